package dev.minilab.provisioning.machine;

import dev.minilab.provisioning.ProvisioningException;

/** An event that the transition table does not allow in the current state (a bug in the pipeline, never input). */
public final class IllegalTransitionException extends ProvisioningException {

    private final State state;
    private final Event event;

    public IllegalTransitionException(State state, Event event) {
        super("no transition from " + state + " on " + event + " (see Transitions.TABLE)");
        this.state = state;
        this.event = event;
    }

    public State state() {
        return state;
    }

    public Event event() {
        return event;
    }
}
