package dev.minilab.runtime.tools.support;

import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.tools.ToolResult;
import java.time.Duration;

/** Turns a finished subprocess into the result the model sees: exit code, duration, OK/ERROR, and why it ended. */
public final class ProcessToolResults {

    /** Exit code reported when the timeout killed the tree (as timeout(1) does). */
    public static final int TIMEOUT_EXIT = 124;
    /** Exit code reported when STOP killed the tree (as Ctrl-C would). */
    public static final int STOPPED_EXIT = 130;

    private ProcessToolResults() {
    }

    /** Exit 0 is OK, anything else (including timeout and STOP) is ERROR; {@code output} is the text to show. */
    public static ToolResult of(ExecResult exec, Duration timeout, String output) {
        if (exec.cancelled()) {
            return new ToolResult(ToolResult.Status.ERROR, STOPPED_EXIT, exec.duration(),
                    appendNote(output, "stopped by STOP: the process tree was killed"));
        }
        if (exec.timedOut()) {
            return new ToolResult(ToolResult.Status.ERROR, TIMEOUT_EXIT, exec.duration(),
                    appendNote(output, "timed out after " + timeout.toSeconds() + " s: the process tree was killed. "
                            + "Run something shorter, or split the work"));
        }
        return ToolResult.ofProcess(exec.exitCode(), exec.duration(), output);
    }

    /** Same as {@link #of(ExecResult, Duration, String)} with stdout + stderr as the output. */
    public static ToolResult of(ExecResult exec, Duration timeout) {
        return of(exec, timeout, exec.combinedOutput());
    }

    private static String appendNote(String output, String note) {
        return (output.isEmpty() || output.endsWith("\n") ? output : output + "\n") + "[" + note + "]";
    }
}
