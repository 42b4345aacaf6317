package dev.minilab.provisioning.backend;

import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.Variables;
import java.util.Objects;

/**
 * A plan made in RUNNING, to be applied as it is once the gate approves.
 *
 * @param spec      the spec
 * @param variables the variables it was made with
 * @param summary   what it will do (the approval gate sees this)
 * @param reference the backend's handle (the plan file for terraform)
 */
public record Plan(ProvisionSpec spec, Variables variables, ApprovalGate.PlanSummary summary, String reference) {
    public Plan {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(reference, "reference");
    }
}
