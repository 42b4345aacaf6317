package dev.minilab.runtime.tools.shell;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.ProcessToolResults;
import dev.minilab.runtime.tools.support.Specs;

/** {@code run_shell(command)}: checks the role's {@link ShellPolicy}, then runs the command through {@link Shell}. */
public final class RunShellTool implements Tool {

    private final Shell shell;
    private final ShellPolicy policy;

    public RunShellTool(Shell shell, ShellPolicy policy) {
        this.shell = shell;
        this.policy = policy;
    }

    @Override
    public ToolSpecification specification() {
        return Specs.of("run_shell", "Run a bash command in the workspace folder and get its exit code and output "
                + "(stdout then stderr, capped). Timeout " + shell.timeout().toSeconds() + " s; on timeout or STOP the "
                + "process tree is killed. Allowed here: " + policy.describe() + ". Prefer run_terraform, run_ansible "
                + "and the file tools where they fit.",
                JsonObjectSchema.builder().addStringProperty("command", "the bash command line").required("command")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        String command = arguments.requireString("command");
        return switch (policy.check(command, shell.workspace())) {
            case ShellPolicy.Decision.Refuse refuse -> ToolResult.error(refuse.message());
            case ShellPolicy.Decision.Run run ->
                    ProcessToolResults.of(shell.run(run.command(), context.cancellation()), shell.timeout());
        };
    }
}
