package dev.minilab.console.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minilab.runtime.approval.Approver;
import dev.minilab.runtime.approval.PlanReviews;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.security.KeyGenerator;
import dev.minilab.runtime.security.SignatureGuard;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.TerraformStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * APPROVER=user: the User approves a terraform plan by typing {@code /approve <plan_id>} into the real console
 * process (from a pipe); DevOps_Builder's run_terraform (real terraform, its own signing key) applies only then.
 */
class ConsoleApprovalIT {

    private static final Pattern PLAN_ID = Pattern.compile("plan_id: ([0-9a-f]{16})");

    @TempDir
    Path workspace;
    @TempDir
    Path keys;
    private RedisServer redis;
    private TeamBus devopsBus;

    @BeforeEach
    void start() {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "real terraform on PATH");
        KeyGenerator.generate(keys, List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel", "QA_Tester",
                "User"));
        redis = RedisServer.start(RedisServer.Options.defaults().withStrategies(RedisServer.Kind.PROCESS));
        devopsBus = TeamBus.connect(new BusSettings(redis.uri(), 80, BusKeys.DEFAULT, Duration.ofSeconds(5)),
                SignatureGuard.fromEnv(Map.of("MINILAB_PRIVATE_KEY",
                        KeyGenerator.privateKeyFile(keys, "DevOps_Builder").toString(), "MINILAB_PUBLIC_KEYS",
                        KeyGenerator.publicKeysDir(keys).toString()), "DevOps_Builder"));
    }

    @AfterEach
    void stop() {
        if (devopsBus != null) {
            devopsBus.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void userApprovesAPlanWithSlashApproveAndOnlyThenItIsApplied() throws Exception {
        Path marker = Files.createDirectories(workspace.resolve("tmp")).resolve("web-applied");
        Path module = Files.createDirectories(workspace.resolve("generated_iac/infra/web"));
        Files.writeString(module.resolve("main.tf"), """
                resource "terraform_data" "web" {
                  provisioner "local-exec" {
                    command = "touch %s"
                  }
                }
                """.formatted(marker));
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "HOME", workspace.resolve(".home").toString());
        Tool terraform = new Toolbox(ToolboxSettings.fromEnv(workspace, env)
                .withTerraformCommand(TerraformStandIn.realTerraform().orElseThrow().toString()), Redactor.fromEnv(env))
                .runTerraform(new PlanReviews("DevOps_Builder", Approver.USER, devopsBus, s -> s));

        try (PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port()), "APPROVER", "user",
                "MINILAB_PRIVATE_KEY", KeyGenerator.privateKeyFile(keys, "User").toString(),
                "MINILAB_PUBLIC_KEYS", KeyGenerator.publicKeysDir(keys).toString())).awaitReady()) {
            assertThat(call(terraform, "init", null).isError()).isFalse();
            ToolResult plan = call(terraform, "plan", null);
            Matcher m = PLAN_ID.matcher(plan.output());
            assertThat(m.find()).as(plan.output()).isTrue();
            String planId = m.group(1);
            // The console shows the plan summary with the command to approve it.
            console.awaitLine(l -> l.contains("planned generated_iac/infra/web: plan " + planId)
                    && l.contains("1 to add, 0 to change, 0 to destroy") && l.contains("/approve " + planId));

            ToolResult before = call(terraform, "apply", planId);
            console.type("/reject " + planId + " the marker file must live under docs/");
            console.awaitLine(l -> l.contains("CHANGES_REQUESTED on plan " + planId));
            ToolResult rejected = call(terraform, "apply", planId);
            console.type("/approve " + planId);
            console.awaitLine(l -> l.contains("APPROVED plan " + planId));
            ToolResult approved = call(terraform, "apply", planId);

            assertThat(before.output()).contains("has no verdict yet").contains("/approve " + planId);
            assertThat(rejected.output()).contains("User requested changes to plan " + planId)
                    .contains("the marker file must live under docs/");
            assertThat(approved.isError()).as(approved.output()).isFalse();
            assertThat(marker).exists();
            // The verdicts went out as signed User messages the team sees.
            console.awaitLine(l -> l.startsWith("[User]: [review_plan] plan_id=" + planId + " verdict=APPROVED"));
        }
    }

    private static ToolResult call(Tool tool, String command, String planId) {
        Map<String, String> args = planId == null
                ? Map.of("module_dir", "generated_iac/infra/web", "command", command)
                : Map.of("module_dir", "generated_iac/infra/web", "command", command, "plan_id", planId);
        return tool.execute(ToolArguments.of(args), ToolContext.of("DevOps_Builder"));
    }
}
