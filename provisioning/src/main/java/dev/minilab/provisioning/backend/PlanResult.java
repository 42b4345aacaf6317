package dev.minilab.provisioning.backend;

/** The outcome of init + plan. */
public sealed interface PlanResult {

    /** A saved plan. */
    record Planned(Plan plan) implements PlanResult { }

    /** init or plan failed: terraform's error text, for the diagnosis. */
    record Failed(StepFailure failure) implements PlanResult { }

    /** The backend cannot run at all (no terraform, no credentials); no variable change can fix it. */
    record Broken(String reason) implements PlanResult { }
}
