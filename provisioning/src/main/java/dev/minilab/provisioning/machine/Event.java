package dev.minilab.provisioning.machine;

/** What happened in a state; with the state it decides the next one (see {@link Transitions}). */
public enum Event {
    /** A spec was received. */
    TASK_RECEIVED,
    /** init, plan and apply of that plan succeeded. */
    APPLY_SUCCEEDED,
    /** init, plan or apply failed with an error a changed variable may fix. */
    APPLY_FAILED,
    /** The approval gate refused the plan. */
    APPLY_REFUSED,
    /** The backend itself cannot run (e.g. no terraform binary): no variable change can fix it. */
    BACKEND_BROKEN,
    /** All four checks passed. */
    CHECKS_PASSED,
    /** At least one check failed. */
    CHECK_FAILED,
    /** The model proposed a change set not tried before, and retries are below the cap. */
    NEW_HYPOTHESIS,
    /** The retry cap (PROVISION_MAX_RETRIES) is reached. */
    RETRY_CAP_HIT,
    /** The model proposed a change set tried before (or one that changes nothing). */
    REPEATED_HYPOTHESIS,
    /** The model could not be reached, or answered invalid JSON twice. */
    NO_DIAGNOSIS,
    /** STOP (or the caller) cancelled the run. */
    CANCELLED
}
