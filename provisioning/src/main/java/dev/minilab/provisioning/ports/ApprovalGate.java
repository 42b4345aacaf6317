package dev.minilab.provisioning.ports;

import java.util.Objects;

/**
 * Decides whether a plan may be applied. Integration point for the team's approval gate (issue "Team discipline":
 * {@code review_plan}, {@code /approve}); until it is wired, running a spec is its approval
 * ({@link #specIsApproval()}), and the run's log records that.
 */
@FunctionalInterface
public interface ApprovalGate {

    /** What is about to be applied. */
    record PlanSummary(String deployment, String planId, int add, int change, int destroy, String planText) {
        public PlanSummary {
            Objects.requireNonNull(deployment, "deployment");
            Objects.requireNonNull(planId, "planId");
            planText = planText == null ? "" : planText;
        }

        public String oneLine() {
            return "plan " + planId + " of " + deployment + ": " + add + " to add, " + change + " to change, "
                    + destroy + " to destroy";
        }
    }

    /** The gate's answer. */
    sealed interface Decision permits Approved, Refused { }

    record Approved(String by) implements Decision { }

    record Refused(String by, String reason) implements Decision { }

    Decision review(PlanSummary plan);

    /** The spec is the approval: every plan of the run is applied, and the log says who approved (the spec). */
    static ApprovalGate specIsApproval() {
        return plan -> new Approved("the spec (running a spec is its approval)");
    }
}
