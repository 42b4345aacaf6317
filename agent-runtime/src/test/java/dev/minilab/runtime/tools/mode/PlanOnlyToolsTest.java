package dev.minilab.runtime.tools.mode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plan-only refusals happen before the real tool runs: the recording stand-in proves nothing ran. */
class PlanOnlyToolsTest {

    private final List<String> ran = new ArrayList<>();

    @Test
    void terraformApplyAndDestroyAreRefusedPlanRuns() {
        Tool terraform = PlanOnlyTools.guard(recording("run_terraform"));

        ToolResult apply = call(terraform, Map.of("module_dir", "generated_iac/infra/web", "command", "apply",
                "plan_id", "0123456789abcdef"));
        ToolResult destroy = call(terraform, Map.of("module_dir", "generated_iac/infra/web", "command", "DESTROY",
                "confirm_destroy", true));
        ToolResult plan = call(terraform, Map.of("module_dir", "generated_iac/infra/web", "command", "plan"));

        assertThat(apply.isError()).isTrue();
        assertThat(apply.output()).contains("plan-only mode").contains("MINILAB_MODE");
        assertThat(destroy.isError()).isTrue();
        assertThat(plan.isError()).isFalse();
        assertThat(ran).containsExactly("run_terraform");
        assertThat(terraform.specification().description()).contains("PLAN-ONLY MODE");
    }

    @Test
    void ansibleRunsOnlyAsCheckAndDiff() {
        Tool ansible = PlanOnlyTools.guard(recording("run_ansible"));

        ToolResult real = call(ansible, Map.of("playbook", "p.yml", "inventory", "h,"));
        ToolResult checkOnly = call(ansible, Map.of("playbook", "p.yml", "inventory", "h,", "check", true));
        ToolResult dryRun = call(ansible, Map.of("playbook", "p.yml", "inventory", "h,", "check", true, "diff", true));

        assertThat(real.isError()).isTrue();
        assertThat(real.output()).contains("check=true and diff=true");
        assertThat(checkOnly.isError()).isTrue();
        assertThat(dryRun.isError()).isFalse();
        assertThat(ran).containsExactly("run_ansible");
    }

    @Test
    void sshAndShellAcceptOnlyReadOnlyCommands() {
        Tool ssh = PlanOnlyTools.guard(recording("run_ssh"));
        Tool shell = PlanOnlyTools.guard(recording("run_shell"));

        ToolResult sshWrite = call(ssh, Map.of("host", "10.0.0.5", "command", "systemctl restart nginx"));
        ToolResult sshRedirect = call(ssh, Map.of("host", "10.0.0.5", "command", "echo x > index.html"));
        ToolResult sshRead = call(ssh, Map.of("host", "10.0.0.5", "command", "df -h"));
        ToolResult shellWrite = call(shell, Map.of("command", "rm -rf generated_iac"));
        ToolResult shellRead = call(shell, Map.of("command", "ls generated_iac"));

        assertThat(sshWrite.isError()).isTrue();
        assertThat(sshWrite.output()).contains("plan-only mode");
        assertThat(sshRedirect.isError()).isTrue();
        assertThat(shellWrite.isError()).isTrue();
        assertThat(sshRead.isError()).as(sshRead.output()).isFalse();
        assertThat(shellRead.isError()).as(shellRead.output()).isFalse();
        assertThat(ran).containsExactly("run_ssh", "run_shell");
    }

    @Test
    void provisionRunsOnlyOnTheSimulatedTarget() {
        Tool provision = PlanOnlyTools.guard(recording("provision"));

        ToolResult real = call(provision, Map.of("spec", Map.of("name", "web-1"), "target", "real"));
        ToolResult defaulted = call(provision, Map.of("spec", Map.of("name", "web-1")));
        ToolResult simulated = call(provision, Map.of("spec", Map.of("name", "web-1"), "target", "simulated"));

        assertThat(real.isError()).isTrue();
        assertThat(real.output()).contains("plan-only mode").contains("target=simulated");
        assertThat(defaulted.isError()).isTrue();
        assertThat(simulated.isError()).as(simulated.output()).isFalse();
        assertThat(ran).containsExactly("provision");
    }

    @Test
    void toolsThatChangeNothingAreNotWrapped() {
        Tool read = recording("read_file");

        assertThat(PlanOnlyTools.guard(read)).isSameAs(read);
    }

    private ToolResult call(Tool tool, Map<String, ?> args) {
        return tool.execute(ToolArguments.of(args), ToolContext.of("DevOps_Builder"));
    }

    private Tool recording(String name) {
        return new Tool() {
            @Override
            public ToolSpecification specification() {
                return ToolSpecification.builder().name(name).description("stand-in").build();
            }

            @Override
            public ToolResult execute(ToolArguments arguments, ToolContext context) {
                ran.add(name);
                return ToolResult.ok("ran");
            }
        };
    }
}
