package dev.minilab.runtime.tools.ssh;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.ProcessToolResults;
import dev.minilab.runtime.tools.support.Specs;

/** {@code run_ssh(host, command)}: parses the host (with optional port) and calls the {@link Ssh} engine. */
public final class RunSshTool implements Tool {

    private final Ssh ssh;

    public RunSshTool(Ssh ssh) {
        this.ssh = ssh;
    }

    @Override
    public ToolSpecification specification() {
        SshSettings s = ssh.settings();
        return Specs.of("run_ssh", "Run one shell command on a remote machine over SSH as user " + s.user()
                + " with the team's key, and get its exit code and output. host may carry a port (10.0.0.5:2222, "
                + "[fd00::5]:2222). Only hosts in SSH_ALLOWED_HOSTS (" + s.allowlist() + ") can be reached; a changed "
                + "host key is refused. Timeout " + s.commandTimeout().toSeconds() + " s.",
                JsonObjectSchema.builder()
                        .addStringProperty("host", "hostname or IP, optionally :port")
                        .addStringProperty("command", "the command line to run remotely")
                        .required("host", "command")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        HostPort target = HostPort.parse(arguments.requireString("host"));
        String command = arguments.requireString("command");
        if (command.isBlank()) {
            return ToolResult.error("command is empty; give the command line to run on " + target.host());
        }
        try {
            ExecResult exec = ssh.exec(target, command, context.cancellation());
            return ProcessToolResults.of(exec, ssh.settings().commandTimeout());
        } catch (MiniLabException e) {
            return ToolResult.error(e.getMessage());
        }
    }
}
