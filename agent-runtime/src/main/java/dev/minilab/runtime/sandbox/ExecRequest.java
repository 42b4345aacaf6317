package dev.minilab.runtime.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One subprocess to run.
 *
 * @param command          executable and arguments (no shell unless the caller asks for {@code bash -c}); a bare
 *                         executable name is looked up on the {@code PATH} of {@code env}
 * @param workingDirectory where it runs (inside the workspace)
 * @param env              the complete child environment (nothing is inherited); build it with
 *                         {@link ChildEnvironment}
 * @param timeout          after this the whole process tree is killed
 * @param outputCapBytes   memory cap per stream; head and tail are kept and the middle counted
 * @param interruptGrace   on STOP or timeout, how long the process may take to end after SIGINT before the tree is
 *                         killed; {@link Duration#ZERO} kills at once (terraform needs a grace to write its state and
 *                         release its lock)
 */
public record ExecRequest(List<String> command, Path workingDirectory, Map<String, String> env, Duration timeout,
                          int outputCapBytes, Duration interruptGrace) {

    /** Per-stream memory cap (the tool result is capped again, smaller, after redaction). */
    public static final int DEFAULT_OUTPUT_CAP_BYTES = 1_000_000;

    public ExecRequest {
        command = List.copyOf(command);
        if (command.isEmpty() || command.getFirst().isBlank()) {
            throw new IllegalArgumentException("command is empty");
        }
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        env = Map.copyOf(env);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (outputCapBytes < 1024) {
            throw new IllegalArgumentException("outputCapBytes below 1024: " + outputCapBytes);
        }
        Objects.requireNonNull(interruptGrace, "interruptGrace");
        if (interruptGrace.isNegative()) {
            throw new IllegalArgumentException("interruptGrace is negative: " + interruptGrace);
        }
    }

    /** A request that is killed at once on STOP or timeout (no interrupt grace). */
    public ExecRequest(List<String> command, Path workingDirectory, Map<String, String> env, Duration timeout,
                       int outputCapBytes) {
        this(command, workingDirectory, env, timeout, outputCapBytes, Duration.ZERO);
    }

    /** A copy that on STOP or timeout first gets SIGINT and {@code grace} to end by itself before the tree is killed. */
    public ExecRequest withInterruptGrace(Duration grace) {
        return new ExecRequest(command, workingDirectory, env, timeout, outputCapBytes, grace);
    }

    /** A request with the default stream cap. */
    public static ExecRequest of(List<String> command, Path workingDirectory, Map<String, String> env, Duration timeout) {
        return new ExecRequest(command, workingDirectory, env, timeout, DEFAULT_OUTPUT_CAP_BYTES);
    }
}
