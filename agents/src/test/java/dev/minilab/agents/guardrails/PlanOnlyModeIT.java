package dev.minilab.agents.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minilab.agents.Role;
import dev.minilab.agents.RoleTools;
import dev.minilab.runtime.approval.Approver;
import dev.minilab.runtime.approval.PlanReviews;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.discipline.Mode;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.TerraformStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * MINILAB_MODE=plan-only on DevOps_Builder's real tool table (real terraform): plan runs, apply and destroy are
 * refused and their side effect never happens; ansible only as a dry run; ssh and shell only read-only commands.
 */
@ExtendWith(RedisExtension.class)
class PlanOnlyModeIT {

    private final RedisServer redis;
    @TempDir
    Path workspace;
    private TeamBus bus;
    private List<Tool> tools;

    PlanOnlyModeIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "real terraform on PATH");
        for (String dir : List.of("generated_iac/infra/web", "generated_iac/config", "docs", "tmp")) {
            Files.createDirectories(workspace.resolve(dir));
        }
        bus = TeamBus.connect(new BusSettings(redis.uri(), 80, new BusKeys(redis.namespace() + UUID.randomUUID() + ":"),
                Duration.ofSeconds(5)));
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "HOME", workspace.resolve(".home").toString(),
                "SSH_ALLOWED_HOSTS", "127.0.0.1");
        Toolbox toolbox = new Toolbox(ToolboxSettings.fromEnv(workspace, env)
                .withTerraformCommand(TerraformStandIn.realTerraform().orElseThrow().toString()), Redactor.fromEnv(env));
        tools = RoleTools.forRole(Role.DEVOPS_BUILDER, toolbox, new RoleTools.Guardrails(Mode.PLAN_ONLY,
                question -> { }, new PlanReviews("DevOps_Builder", Approver.SECURITY, bus, s -> s)));
    }

    @AfterEach
    void tearDown() {
        if (bus != null) {
            bus.close();
        }
    }

    @Test
    void planRunsButApplyAndDestroyAreRefusedAndNothingIsCreated() throws Exception {
        Path marker = workspace.resolve("tmp/applied");
        Files.writeString(workspace.resolve("generated_iac/infra/web/main.tf"), """
                resource "terraform_data" "web" {
                  provisioner "local-exec" {
                    command = "touch %s"
                  }
                }
                """.formatted(marker));
        String dir = "generated_iac/infra/web";
        assertThat(call("run_terraform", Map.of("module_dir", dir, "command", "init")).isError()).isFalse();
        ToolResult plan = call("run_terraform", Map.of("module_dir", dir, "command", "plan"));
        String planId = plan.output().replaceAll("(?s).*plan_id: ([0-9a-f]{16}).*", "$1");

        ToolResult apply = call("run_terraform", Map.of("module_dir", dir, "command", "apply", "plan_id", planId));
        ToolResult destroy = call("run_terraform", Map.of("module_dir", dir, "command", "destroy",
                "confirm_destroy", true));

        assertThat(plan.isError()).as(plan.output()).isFalse();
        assertThat(apply.isError()).isTrue();
        assertThat(apply.output()).startsWith("refused: MiniLab runs in plan-only mode");
        assertThat(destroy.isError()).isTrue();
        assertThat(marker).doesNotExist();
        assertThat(workspace.resolve(dir).resolve("terraform.tfstate")).doesNotExist();
    }

    @Test
    void ansibleSshAndShellWritesAreRefusedReadsRun() throws Exception {
        Files.writeString(workspace.resolve("generated_iac/config/site.yml"), """
                - hosts: all
                  tasks:
                    - ansible.builtin.file: {path: /tmp/never, state: touch}
                """);

        ToolResult ansible = call("run_ansible", Map.of("playbook", "generated_iac/config/site.yml",
                "inventory", "127.0.0.1,"));
        ToolResult ssh = call("run_ssh", Map.of("host", "127.0.0.1", "command", "rm -rf /srv/www"));
        ToolResult shellWrite = call("run_shell", Map.of("command", "touch tmp/written"));
        ToolResult shellRead = call("run_shell", Map.of("command", "ls generated_iac"));

        assertThat(ansible.output()).startsWith("refused: MiniLab runs in plan-only mode").contains("check=true");
        assertThat(ssh.output()).startsWith("refused: MiniLab runs in plan-only mode");
        assertThat(shellWrite.output()).startsWith("refused: MiniLab runs in plan-only mode");
        assertThat(workspace.resolve("tmp/written")).doesNotExist();
        assertThat(shellRead.isError()).as(shellRead.output()).isFalse();
        assertThat(shellRead.output()).contains("infra");
    }

    @Test
    void guardrailsAddAskUserForTheArchitectAndReviewPlanForTheSentinelOnly() {
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"));
        Toolbox toolbox = new Toolbox(ToolboxSettings.fromEnv(workspace, env), Redactor.fromEnv(env));
        RoleTools.Guardrails normal = new RoleTools.Guardrails(Mode.NORMAL, question -> { },
                new PlanReviews("X", Approver.SECURITY, bus, s -> s));
        java.util.function.Function<Role, List<String>> names = role -> RoleTools.forRole(role, toolbox, normal)
                .stream().map(Tool::name).toList();

        assertThat(names.apply(Role.ARCHITECT_ZERO)).containsExactly("save_file", "append_file", "read_file",
                "proxmox_inventory", "size_workload", "place_workload", "ask_user");
        assertThat(names.apply(Role.SECURITY_SENTINEL)).containsExactlyInAnyOrder("read_file", "run_shell",
                "read_env", "review_plan");
        assertThat(names.apply(Role.DEVOPS_BUILDER)).contains("run_terraform").doesNotContain("ask_user",
                "review_plan");
        assertThat(names.apply(Role.QA_TESTER)).doesNotContain("ask_user", "review_plan", "run_terraform");
    }

    private ToolResult call(String name, Map<String, ?> args) {
        Tool tool = tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        return tool.execute(ToolArguments.of(args), ToolContext.of("DevOps_Builder"));
    }
}
