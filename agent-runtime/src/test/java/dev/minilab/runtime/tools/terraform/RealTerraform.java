package dev.minilab.runtime.tools.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ChildEnvironment;
import dev.minilab.runtime.sandbox.PathPolicy;
import dev.minilab.runtime.sandbox.ProcessRunner;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.testkit.TerraformStandIn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real terraform (1.11.4 on these machines) behind {@code run_terraform}, for tests that need its real behaviour:
 * modules of {@code terraform_data} resources whose {@code local-exec} side effects are counted in marker files
 * outside the module folder ({@code tmp/marks/NAME}, one line per run).
 */
final class RealTerraform {

    private static final Pattern PLAN_ID = Pattern.compile("plan_id: ([0-9a-f]{16})");

    final Path workspace;
    final Path marks;

    RealTerraform(Path workspace) throws IOException {
        this.workspace = workspace;
        this.marks = Files.createDirectories(workspace.resolve("tmp/marks"));
    }

    static boolean available() {
        return TerraformStandIn.realTerraform().isPresent();
    }

    /** The tool over an engine with this time-out and interrupt grace, behind {@code gate}. */
    Tool tool(Duration timeout, Duration interruptGrace, PlanGate gate) {
        Map<String, String> env = ChildEnvironment.forTerraform(Map.of("PATH", System.getenv("PATH"),
                "HOME", workspace.resolve(".home").toString()), List.of());
        Terraform engine = new Terraform(new ProcessRunner(), TerraformStandIn.realTerraform().orElseThrow().toString(),
                env, timeout, interruptGrace, new PlanStore(workspace.resolve(".minilab/plans")));
        return new RunTerraformTool(engine, PathPolicy.fullAccess(workspace, List.of()), null, gate);
    }

    Tool tool() {
        return tool(Duration.ofSeconds(300), Terraform.DEFAULT_INTERRUPT_GRACE, PlanGate.OPEN);
    }

    /** A module whose one resource runs {@code command} (a shell line) when it is created. */
    String module(String name, String command) throws IOException {
        return moduleWith(name, "", command);
    }

    /** Like {@link #module(String, String)} with {@code terraformBlock} (e.g. a backend) in front. */
    String moduleWith(String name, String terraformBlock, String command) throws IOException {
        Path dir = Files.createDirectories(workspace.resolve("generated_iac/infra").resolve(name));
        Files.writeString(dir.resolve("main.tf"), terraformBlock + """
                resource "terraform_data" "side_effect" {
                  input = "v1"
                  provisioner "local-exec" {
                    command = "%s"
                  }
                }
                """.formatted(command.replace("\\", "\\\\").replace("\"", "\\\"")));
        return "generated_iac/infra/" + name;
    }

    /** A marker line appender for a provisioner command. */
    String mark(String name) {
        return "echo run >> " + marks.resolve(name);
    }

    long runs(String name) throws IOException {
        Path file = marks.resolve(name);
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    Path dir(String module) {
        return workspace.resolve(module);
    }

    static ToolResult call(Tool tool, Map<String, ?> args) {
        return tool.execute(ToolArguments.of(args), ToolContext.of("DevOps_Builder"));
    }

    static CompletableFuture<ToolResult> callAsync(Tool tool, Map<String, ?> args, Cancellation stop) {
        return CompletableFuture.supplyAsync(() -> tool.execute(ToolArguments.of(args),
                new ToolContext("DevOps_Builder", stop, null)));
    }

    static void init(Tool tool, String module) {
        ToolResult init = call(tool, Map.of("module_dir", module, "command", "init"));
        assertThat(init.status()).as(init.output()).isEqualTo(ToolResult.Status.OK);
    }

    static String planId(ToolResult plan) {
        Matcher m = PLAN_ID.matcher(plan.output());
        assertThat(m.find()).as("plan id in: %s", plan.output()).isTrue();
        return m.group(1);
    }

    static String plan(Tool tool, String module, Object... args) {
        ToolResult plan = call(tool, Map.of("module_dir", module, "command", "plan", "args", List.of(args)));
        assertThat(plan.status()).as(plan.output()).isEqualTo(ToolResult.Status.OK);
        return planId(plan);
    }
}
