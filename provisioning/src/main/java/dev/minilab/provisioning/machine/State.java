package dev.minilab.provisioning.machine;

/** The states of one provisioning run (seed 000's planner). */
public enum State {
    INIT, RUNNING, VALIDATING, DIAGNOSING, SUCCESS, FAILED;

    /** SUCCESS and FAILED end a run; no event leaves them. */
    public boolean terminal() {
        return this == SUCCESS || this == FAILED;
    }
}
