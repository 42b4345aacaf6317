package dev.minilab.runtime.tools.shell;

import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ExecRequest;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one {@code bash -c} command in the workspace through the {@link ProcessRunner} (timeout, STOP, tree kill,
 * scrubbed env). Knows nothing of policies or models: callers check {@link ShellPolicy} first.
 */
public final class Shell {

    private final ProcessRunner runner;
    private final Path workspace;
    private final Map<String, String> childEnv;
    private final Duration timeout;

    /**
     * @param childEnv the already scrubbed child environment
     */
    public Shell(ProcessRunner runner, Path workspace, Map<String, String> childEnv, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.childEnv = Map.copyOf(childEnv);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public Duration timeout() {
        return timeout;
    }

    /** Where commands run (and restricted shells expand globs). */
    public Path workspace() {
        return workspace;
    }

    /** Runs {@code command} with {@code bash --noprofile --norc -c} in the workspace. */
    public ExecResult run(String command, Cancellation cancellation) {
        return runner.run(ExecRequest.of(List.of("bash", "--noprofile", "--norc", "-c", command), workspace, childEnv,
                timeout), cancellation);
    }
}
