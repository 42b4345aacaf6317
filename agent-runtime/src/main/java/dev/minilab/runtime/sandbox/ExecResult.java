package dev.minilab.runtime.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * What one subprocess did.
 *
 * @param exitCode  the exit code (128 + signal when killed)
 * @param stdout    captured stdout (head + tail when longer than the cap)
 * @param stderr    captured stderr (head + tail when longer than the cap)
 * @param duration  wall time from start to the end of output capture
 * @param timedOut  the timeout fired and the tree was killed
 * @param cancelled STOP fired and the tree was killed
 */
public record ExecResult(int exitCode, String stdout, String stderr, Duration duration, boolean timedOut,
                         boolean cancelled) {

    public ExecResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(duration, "duration");
    }

    /** Ran to the end with exit code 0. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut && !cancelled;
    }

    /** stdout, then stderr under a "--- stderr ---" line when there is any. */
    public String combinedOutput() {
        if (stderr.isBlank()) {
            return stdout;
        }
        if (stdout.isBlank()) {
            return "--- stderr ---\n" + stderr;
        }
        return stdout + (stdout.endsWith("\n") ? "" : "\n") + "--- stderr ---\n" + stderr;
    }
}
