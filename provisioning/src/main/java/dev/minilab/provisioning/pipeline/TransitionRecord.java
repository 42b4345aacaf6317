package dev.minilab.provisioning.pipeline;

import dev.minilab.provisioning.machine.Event;
import dev.minilab.provisioning.machine.State;
import java.time.Instant;

/**
 * One transition of a run, as posted to the bus and written to the execution log.
 *
 * @param attempt the attempt (1 + retries so far) it belongs to
 * @param detail  what caused it, in one line
 */
public record TransitionRecord(String deployment, State from, Event event, State to, int attempt, String detail,
                               Instant at) {

    /** The status line: {@code provision web: RUNNING → DIAGNOSING (APPLY_FAILED, attempt 1): …}. */
    public String statusLine() {
        return "provision " + deployment + ": " + from + " → " + to + " (" + event + ", attempt " + attempt + ")"
                + (detail == null || detail.isBlank() ? "" : ": " + detail);
    }
}
