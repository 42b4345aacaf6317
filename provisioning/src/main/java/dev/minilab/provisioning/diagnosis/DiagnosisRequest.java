package dev.minilab.provisioning.diagnosis;

import dev.minilab.provisioning.backend.StepFailure;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.Variables;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What DIAGNOSING shows the model.
 *
 * @param spec         the spec (kind, module)
 * @param variables    the variables of the failed attempt
 * @param allowed      the variables a hypothesis may change (the module's, credentials excepted)
 * @param failure      the failing step's output, when RUNNING failed
 * @param findings     the validator's findings, when VALIDATING failed
 * @param inventory    the live cluster inventory, when a source exists
 * @param tried        the hypotheses tried so far in this run
 */
public record DiagnosisRequest(ProvisionSpec spec, Variables variables, Set<String> allowed,
                               Optional<StepFailure> failure, List<String> findings, Optional<String> inventory,
                               List<Hypothesis> tried) {
    public DiagnosisRequest {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(variables, "variables");
        allowed = Set.copyOf(allowed);
        Objects.requireNonNull(failure, "failure");
        findings = List.copyOf(findings);
        Objects.requireNonNull(inventory, "inventory");
        tried = List.copyOf(tried);
    }
}
