package dev.minilab.runtime.tools;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What one tool call produced, as the model and the execution log see it.
 *
 * <p>Every result states OK or ERROR; process tools also state the exit code. A non-zero exit code is an ERROR
 * (LESSONS row 8). The output is already redacted and capped by the time a result is built by the runtime.
 *
 * @param status   OK or ERROR
 * @param exitCode the process exit code, or -1 when the tool ran no process
 * @param duration how long the call took
 * @param output   what the tool printed or returned (already capped)
 */
public record ToolResult(Status status, int exitCode, Duration duration, String output) {

    /** Outcome of a tool call. */
    public enum Status { OK, ERROR }

    /** Marks "no process ran" in {@link #exitCode}. */
    public static final int NO_PROCESS = -1;

    public ToolResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        output = output == null ? "" : output;
    }

    /** A successful call that ran no process. */
    public static ToolResult ok(String output) {
        return new ToolResult(Status.OK, NO_PROCESS, Duration.ZERO, output);
    }

    /** A failed call that ran no process; {@code message} tells the model what went wrong and what to do. */
    public static ToolResult error(String message) {
        return new ToolResult(Status.ERROR, NO_PROCESS, Duration.ZERO, message);
    }

    /** A process result: exit code 0 is OK, anything else is ERROR. */
    public static ToolResult ofProcess(int exitCode, Duration duration, String output) {
        return new ToolResult(exitCode == 0 ? Status.OK : Status.ERROR, exitCode, duration, output);
    }

    public boolean isError() {
        return status == Status.ERROR;
    }

    public OptionalInt processExitCode() {
        return exitCode == NO_PROCESS ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /** Returns a copy with the given duration (the runtime measures it around every call). */
    public ToolResult withDuration(Duration measured) {
        return new ToolResult(status, exitCode, measured, output);
    }

    /** Returns a copy with different output text (used for redaction and capping). */
    public ToolResult withOutput(String newOutput) {
        return new ToolResult(status, exitCode, duration, newOutput);
    }

    /** The text the model receives: a header it cannot misread, then the output. */
    public String renderForModel() {
        StringBuilder text = new StringBuilder();
        text.append("status: ").append(status);
        if (exitCode != NO_PROCESS) {
            text.append("\nexit_code: ").append(exitCode);
        }
        text.append("\nduration_ms: ").append(duration.toMillis());
        text.append("\n---\n").append(output);
        return text.toString();
    }
}
