package dev.minilab.runtime.tools.terraform;

import java.util.Optional;

/**
 * The approval gate's hook in {@code run_terraform} (README "Guardrails"): every saved plan is reported to it, and
 * {@code apply} runs only a plan it lets through. {@link #OPEN} lets everything through (no gate).
 */
public interface PlanGate {

    /** No gate: plans are not recorded, every apply may run. */
    PlanGate OPEN = new PlanGate() {
        @Override
        public String planned(Plan plan) {
            return "";
        }

        @Override
        public Optional<String> refuseApply(String planId, String module) {
            return Optional.empty();
        }
    };

    /**
     * A saved plan as the reviewer sees it.
     *
     * @param planId      the id {@code plan} returned
     * @param module      the module folder, relative to the workspace ({@code generated_iac/infra/web})
     * @param add         resources to add
     * @param change      resources to change in place
     * @param destroy     resources to destroy (a replace counts here too)
     * @param destroyPlan whether it was made with {@code -destroy}
     * @param plannedBy   the agent that made it
     */
    record Plan(String planId, String module, int add, int change, int destroy, boolean destroyPlan,
                String plannedBy) {

        /** {@code +1 ~0 -0}-style summary: "1 to add, 0 to change, 0 to destroy". */
        public String changes() {
            return add + " to add, " + change + " to change, " + destroy + " to destroy"
                    + (destroy > 0 || destroyPlan ? " (DESTROYS resources)" : "");
        }
    }

    /** Records a saved plan; returns a note for the tool result (who must approve it), possibly empty. */
    String planned(Plan plan);

    /** Returns why {@code planId} of {@code module} may not be applied, or empty when it may. */
    Optional<String> refuseApply(String planId, String module);

    /**
     * Returns why the state lock {@code lockId} of {@code module} may not be force-unlocked, or empty when it may
     * (issue 19: only ever on an explicit request, never by MiniLab itself).
     */
    default Optional<String> refuseForceUnlock(String lockId, String module) {
        return Optional.empty();
    }
}
