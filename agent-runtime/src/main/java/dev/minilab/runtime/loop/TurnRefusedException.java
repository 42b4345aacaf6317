package dev.minilab.runtime.loop;

import dev.minilab.runtime.MiniLabException;

/**
 * Thrown by a guarded model before an LLM call the team may not make (budget spent, request halted, question to the
 * User open). The loop ends the turn with {@link TurnOutcome.Halted}; nothing is sent to the LLM.
 */
public class TurnRefusedException extends MiniLabException {

    public TurnRefusedException(String reason) {
        super(reason);
    }

    /** Why the call was refused (for the execution log). */
    public String reason() {
        return getMessage();
    }
}
