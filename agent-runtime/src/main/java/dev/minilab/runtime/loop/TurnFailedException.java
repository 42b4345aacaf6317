package dev.minilab.runtime.loop;

import dev.minilab.runtime.MiniLabException;

/**
 * Thrown by a guarded model when the turn cannot go on and must not end quietly: the guardrails' state could not be
 * read before an LLM call even after the patient retries. Unlike {@link TurnRefusedException} (a real refusal, which
 * the runtime's halt report covers), the loop throws it on, so that the agent reports the failed turn to its
 * escalation target ("my turn failed") instead of the user's work stopping with only a log line.
 */
public class TurnFailedException extends MiniLabException {

    public TurnFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
