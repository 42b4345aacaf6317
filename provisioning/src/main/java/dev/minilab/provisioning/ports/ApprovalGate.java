package dev.minilab.provisioning.ports;

import dev.minilab.runtime.control.Cancellation;
import java.util.Objects;

/**
 * Decides whether a plan may be applied. Inside the team the {@code provision} tool's real target asks the team's
 * approval gate ({@code dev.minilab.provisioning.tool.TeamApprovalGate}: the plan is recorded like a
 * {@code run_terraform} plan and applied only with Security_Sentinel's signed verdict or the User's {@code /approve});
 * the CLI and the simulated target take the spec as the approval ({@link #specIsApproval()}), and the run's log
 * records that.
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

    /**
     * Decides on {@code plan}; may block until an approver answers.
     *
     * @throws dev.minilab.runtime.control.CancelledException when STOP comes while it waits
     */
    Decision review(PlanSummary plan, Cancellation cancellation);

    /** The spec is the approval: every plan of the run is applied, and the log says who approved (the spec). */
    static ApprovalGate specIsApproval() {
        return (plan, cancellation) -> new Approved("the spec (running a spec is its approval)");
    }
}
