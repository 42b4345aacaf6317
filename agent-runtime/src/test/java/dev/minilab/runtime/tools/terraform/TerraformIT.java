package dev.minilab.runtime.tools.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.ToolTimeouts;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.testkit.TerraformStandIn;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The terraform engine and tool against the stand-in, and against a real terraform when one is on PATH. Modules use
 * only terraform_data and outputs, so init needs no network; CHECKPOINT_DISABLE=1 is always set.
 */
class TerraformIT {

    private static final String MODULE = """
            resource "terraform_data" "example" {
              input = "hello"
            }

            output "greeting" {
              value = "hello"
            }
            """;
    private static final Pattern PLAN_ID = Pattern.compile("plan_id: ([0-9a-f]{16})");

    @TempDir
    Path workspace;

    /** Runs the test against the stand-in, and again against a real terraform when one is on PATH. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest
    @MethodSource("terraforms")
    private @interface OnEveryTerraform {
    }

    static Stream<String> terraforms() {
        List<String> kinds = new ArrayList<>(List.of("stand-in"));
        TerraformStandIn.realTerraform().ifPresent(p -> kinds.add("real"));
        return kinds.stream();
    }

    private Tool tool(String kind, Map<String, String> extraEnv, Duration timeout) {
        Path executable = kind.equals("real") ? TerraformStandIn.realTerraform().orElseThrow()
                : TerraformStandIn.install(workspace.resolve(".bin"));
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"),
                "HOME", workspace.resolve(".home").toString()));
        env.putAll(extraEnv);
        ToolboxSettings settings = ToolboxSettings.fromEnv(workspace, env)
                .withTerraformCommand(executable.toString())
                .withTimeouts(new ToolTimeouts(Duration.ofSeconds(60), timeout, Duration.ofSeconds(900),
                        Duration.ofSeconds(60), Duration.ofSeconds(20)));
        return new Toolbox(settings, Redactor.fromEnv(env)).runTerraform();
    }

    private Tool tool(String kind) {
        return tool(kind, Map.of(), Duration.ofSeconds(120));
    }

    private String module(String name, String text) throws IOException {
        Path dir = Files.createDirectories(workspace.resolve("generated_iac/infra").resolve(name));
        Files.writeString(dir.resolve("main.tf"), text);
        return "generated_iac/infra/" + name;
    }

    /** Calls the tool with {@code command} on {@code module}. */
    private static ToolResult run(Tool tool, String module, String command) {
        return run(tool, module, command, Map.of());
    }

    /** Calls the tool with {@code command} on {@code module} and the further arguments {@code more}. */
    private static ToolResult run(Tool tool, String module, String command, Map<String, ?> more) {
        Map<String, Object> args = new HashMap<>(more);
        args.put("module_dir", module);
        args.put("command", command);
        return tool.execute(ToolArguments.of(args), ToolContext.of("DevOps_Builder"));
    }

    /** Runs init and plan on {@code module}; returns the plan's id. */
    private static String initAndPlan(Tool tool, String module) {
        run(tool, module, "init");
        return planId(run(tool, module, "plan"));
    }

    private static String planId(ToolResult plan) {
        Matcher m = PLAN_ID.matcher(plan.output());
        assertThat(m.find()).as("plan id in: %s", plan.output()).isTrue();
        return m.group(1);
    }

    @OnEveryTerraform
    void initValidatePlanShowApplyOutputRoundTrip(String kind) throws IOException {
        Tool tf = tool(kind);
        String module = module("web", MODULE);

        ToolResult init = run(tf, module, "init");
        ToolResult validate = run(tf, module, "validate");
        ToolResult fmt = run(tf, module, "fmt", Map.of("args", List.of("-check")));
        ToolResult plan = run(tf, module, "plan");
        String id = planId(plan);
        ToolResult show = run(tf, module, "show", Map.of("plan_id", id));
        ToolResult apply = run(tf, module, "apply", Map.of("plan_id", id));
        ToolResult output = run(tf, module, "output", Map.of("args", List.of("-raw", "greeting")));
        ToolResult again = run(tf, module, "apply", Map.of("plan_id", id));

        assertThat(init.status()).as(init.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(init.output()).contains("Terraform has been successfully initialized!");
        assertThat(validate.output()).contains("Success! The configuration is valid.");
        assertThat(fmt.status()).isEqualTo(ToolResult.Status.OK);
        assertThat(plan.status()).as(plan.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(plan.exitCode()).isZero();
        assertThat(plan.output()).contains("terraform_data.example will be created", "Plan: 1 to add")
                .contains("command=\"apply\", plan_id=\"" + id + "\"");
        assertThat(show.output()).contains("terraform_data.example");
        assertThat(apply.status()).as(apply.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(apply.output()).contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
        assertThat(output.output().strip()).isEqualTo("hello");
        assertThat(again.isError()).isTrue();
        assertThat(again.output()).contains("plan " + id + " was used by an apply attempt");
    }

    @OnEveryTerraform
    void applyWithoutAPlanIdOrWithAutoApproveIsRefused(String kind) throws IOException {
        Tool tf = tool(kind);
        String module = module("web", MODULE);

        ToolResult noId = run(tf, module, "apply");
        ToolResult autoApprove = run(tf, module, "apply", Map.of("args", List.of("-auto-approve")));
        ToolResult unknownId = run(tf, module, "apply", Map.of("plan_id", "0123456789abcdef"));

        assertThat(noId.isError()).isTrue();
        assertThat(noId.output()).contains("apply needs plan_id");
        assertThat(autoApprove.isError()).isTrue();
        assertThat(autoApprove.output()).contains("there is no -auto-approve");
        assertThat(unknownId.output()).contains("no saved plan with id 0123456789abcdef");
        assertThat(workspace.resolve(module).resolve("terraform.tfstate")).doesNotExist();
    }

    @OnEveryTerraform
    void aPlanChangedAfterPlanningIsRefused(String kind) throws IOException {
        Tool tf = tool(kind);
        String module = module("web", MODULE);
        String id = initAndPlan(tf, module);
        Path planFile = workspace.resolve(".minilab/plans/" + id + "/plan.tfplan");
        Files.write(planFile, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        ToolResult apply = run(tf, module, "apply", Map.of("plan_id", id));

        assertThat(apply.isError()).isTrue();
        assertThat(apply.output()).contains("was changed after it was made");
        assertThat(workspace.resolve(module).resolve("terraform.tfstate")).doesNotExist();
    }

    @OnEveryTerraform
    void aStalePlanFailsWithTerraformsErrorAndExitCode(String kind) throws IOException {
        Tool tf = tool(kind);
        String module = module("web", MODULE);
        String first = initAndPlan(tf, module);
        // Two plans of the same module and state: each gets its own id; applying one makes the other stale.
        String second = planId(run(tf, module, "plan"));
        assertThat(second).isNotEqualTo(first);
        assertThat(run(tf, module, "apply", Map.of("plan_id", second)).status())
                .isEqualTo(ToolResult.Status.OK);

        ToolResult stale = run(tf, module, "apply", Map.of("plan_id", first));

        assertThat(stale.isError()).isTrue();
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.output()).contains("Saved plan is stale");
    }

    @OnEveryTerraform
    void destroyNeedsConfirmationAndGoesThroughAPlan(String kind) throws IOException {
        Tool tf = tool(kind);
        String module = module("web", MODULE);
        String id = initAndPlan(tf, module);
        run(tf, module, "apply", Map.of("plan_id", id));

        ToolResult unconfirmed = run(tf, module, "destroy");
        ToolResult destroyPlan = run(tf, module, "destroy", Map.of("confirm_destroy", true));
        String destroyId = planId(destroyPlan);
        ToolResult unconfirmedApply = run(tf, module, "apply", Map.of("plan_id", destroyId));
        ToolResult destroyed = run(tf, module, "apply", Map.of("plan_id", destroyId, "confirm_destroy", true));

        assertThat(unconfirmed.isError()).isTrue();
        assertThat(unconfirmed.output()).contains("confirm_destroy=true");
        assertThat(destroyPlan.output()).contains("a DESTROY plan", "will be destroyed",
                "DESTROYS 1 resource(s): terraform_data.example");
        assertThat(unconfirmedApply.isError()).isTrue();
        assertThat(unconfirmedApply.output()).contains("confirm_destroy=true");
        assertThat(destroyed.status()).as(destroyed.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(destroyed.output()).contains("1 destroyed");
    }

    @OnEveryTerraform
    void invalidConfigurationIsAnErrorWithTerraformsMessage(String kind) throws IOException {
        Tool tf = tool(kind);
        String module = module("broken", "resource \"terraform_data\" \"x\" {\n  input = \"a\"\n");

        ToolResult validate = run(tf, module, "validate");

        assertThat(validate.isError()).isTrue();
        assertThat(validate.exitCode()).isEqualTo(1);
        assertThat(validate.output()).contains("Error:");
    }

    @OnEveryTerraform
    void wrongProxmoxProviderIsRefusedBeforeTerraformRuns(String kind) throws IOException {
        Path log = workspace.resolve("argv.log");
        Tool tf = tool(kind, Map.of("TF_STANDIN_LOG", log.toString()), Duration.ofSeconds(120));
        String module = module("pve", """
                terraform {
                  required_providers {
                    proxmox = {
                      source = "hashicorp/proxmox"
                    }
                  }
                }
                """);
        String implicit = module("pve2", "resource \"proxmox_virtual_environment_vm\" \"vm\" {\n}\n");

        ToolResult init = run(tf, module, "init");
        ToolResult plan = run(tf, implicit, "plan");

        assertThat(init.isError()).isTrue();
        assertThat(init.output()).contains("hashicorp/proxmox", "bpg/proxmox");
        assertThat(plan.isError()).isTrue();
        assertThat(plan.output()).contains("does not declare its source");
        assertThat(log).doesNotExist();
    }

    @OnEveryTerraform
    void moduleOutsideInfraAndForeignPlanIdsAreRefused(String kind) throws IOException {
        Tool tf = tool(kind);
        String a = module("a", MODULE);
        String b = module("b", MODULE);
        Files.createDirectories(workspace.resolve("generated_iac/config/x"));
        String idOfA = initAndPlan(tf, a);

        ToolResult outside = run(tf, "generated_iac/config/x", "plan");
        ToolResult traversal = run(tf, "generated_iac/infra/../../docs", "plan");
        ToolResult foreign = run(tf, b, "apply", Map.of("plan_id", idOfA));

        assertThat(outside.output()).contains("path refused", "generated_iac/infra/");
        assertThat(traversal.output()).contains("path refused");
        assertThat(foreign.isError()).isTrue();
        assertThat(foreign.output()).contains("belongs to module a");
    }

    @OnEveryTerraform
    void argumentsOutsideTheAllowlistAreRefused(String kind) throws IOException {
        Tool tf = tool(kind);
        String module = module("web", MODULE);

        ToolResult out = run(tf, module, "plan", Map.of("args", List.of("-out=/tmp/x")));
        ToolResult state = run(tf, module, "plan", Map.of("args", List.of("-state=/tmp/s")));
        ToolResult varFile = run(tf, module, "plan", Map.of("args", List.of("-var-file", "../../../.env")));

        assertThat(out.output()).contains("-out is managed by MiniLab");
        assertThat(state.output()).contains("not allowed");
        assertThat(varFile.output()).contains("-var-file must be a file inside the module folder");
    }

    // ---- stand-in only: faults the real binary cannot be made to show ----

    @OnEveryTerraform
    void injectedPlanFaultIsAnErrorWithoutAPlanId(String kind) throws IOException {
        assumeTrue(kind.equals("stand-in"), "fault injection exists only in the stand-in");
        Tool tf = tool(kind, Map.of("TF_STANDIN_FAIL", "plan"), Duration.ofSeconds(60));
        String module = module("web", MODULE);
        run(tf, module, "init");

        ToolResult plan = run(tf, module, "plan");

        assertThat(plan.isError()).isTrue();
        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.output()).contains("Injected fault in plan").doesNotContain("plan_id:");
        try (Stream<Path> files = Files.list(workspace.resolve(".minilab/plans"))) {
            assertThat(files).isEmpty();
        }
    }

    @OnEveryTerraform
    void everyCallCarriesInputFalseAndNoColor(String kind) throws IOException {
        assumeTrue(kind.equals("stand-in"), "argv logging exists only in the stand-in");
        Path log = workspace.resolve("argv.log");
        Tool tf = tool(kind, Map.of("TF_STANDIN_LOG", log.toString()), Duration.ofSeconds(60));
        String module = module("web", MODULE);
        String id = initAndPlan(tf, module);
        run(tf, module, "apply", Map.of("plan_id", id));

        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(log));
        // The checks before plan (ProviderCheck) run terraform validate -json (it takes no -input flag).
        assertThat(lines.removeIf(line -> line.startsWith("validate -json -no-color"))).isTrue();

        assertThat(lines).hasSize(4);
        assertThat(List.of(lines.get(0), lines.get(1), lines.get(3)))
                .allSatisfy(line -> assertThat(line).contains("-input=false -no-color"));
        assertThat(lines.get(1)).startsWith("plan ").contains("-out=");
        assertThat(lines.get(2)).startsWith("show -json -no-color "); // reads back what the plan deletes
        assertThat(lines.get(3)).startsWith("apply ").contains("/run/" + id + "-").endsWith(".tfplan")
                .doesNotContain("-auto-approve");
    }

    @OnEveryTerraform
    void slowTerraformIsKilledAtTheTimeout(String kind) throws IOException {
        assumeTrue(kind.equals("stand-in"), "a slow run is injected into the stand-in");
        Tool tf = tool(kind, Map.of("TF_STANDIN_SLEEP", "30"), Duration.ofSeconds(1));
        String module = module("web", MODULE);
        long start = System.nanoTime();

        ToolResult init = run(tf, module, "init");

        // Well below the stand-in's 30 s (no tight bound: on two loaded cores start-up alone can take seconds).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(init.isError()).isTrue();
        assertThat(init.exitCode()).isEqualTo(124);
        assertThat(init.output()).contains("timed out after 1 s");
    }
}
