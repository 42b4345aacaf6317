package dev.minilab.provisioning.terraform;

import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ExecRequest;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs terraform subcommands for the pipeline through the runtime's process runner, as run_terraform does: under the
 * runner's sandbox, own process group, scrubbed env; on STOP or a time-out terraform gets SIGINT and the interrupt
 * grace to write its state and release its lock before its tree is killed. Unlike {@code run_terraform} it does not pass {@code -no-color}: terraform then
 * prints its diagnostics inside the {@code ╷ │ ╵} ruler, as users and issue trackers see them (and as the simulated
 * backend prints them); the colour codes are stripped here, so the text is plain.
 */
final class TerraformCli {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

    private final ProcessRunner runner;
    private final String executable;
    private final Map<String, String> env;
    private final Duration timeout;
    private final Duration interruptGrace;

    TerraformCli(ProcessRunner runner, String executable, Map<String, String> env, Duration timeout,
                 Duration interruptGrace) {
        this.runner = runner;
        this.executable = executable;
        this.env = Map.copyOf(env);
        this.timeout = timeout;
        this.interruptGrace = interruptGrace;
    }

    String executable() {
        return executable;
    }

    /**
     * Runs {@code terraform <subcommand> <args>} in {@code dir}; stdout and stderr come back without colour codes.
     *
     * @throws dev.minilab.runtime.MiniLabException when terraform cannot be started at all
     */
    ExecResult run(Path dir, String subcommand, List<String> args, Cancellation cancellation) {
        List<String> command = new ArrayList<>(List.of(executable, subcommand));
        if (subcommand.equals("init") || subcommand.equals("plan") || subcommand.equals("apply")) {
            command.add("-input=false");
        }
        command.addAll(args);
        ExecResult raw = runner.run(ExecRequest.of(command, dir, env, timeout).withInterruptGrace(interruptGrace),
                cancellation);
        return new ExecResult(raw.exitCode(), plain(raw.stdout()), plain(raw.stderr()), raw.duration(),
                raw.timedOut(), raw.cancelled());
    }

    static String plain(String text) {
        return ANSI.matcher(text).replaceAll("");
    }
}
