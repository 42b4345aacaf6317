package dev.minilab.provisioning.diagnosis;

import dev.minilab.runtime.control.Cancellation;

/** DIAGNOSING: turns a failure into a hypothesis. The only place a provisioning run spends tokens. */
@FunctionalInterface
public interface Diagnosis {

    DiagnosisOutcome diagnose(DiagnosisRequest request, LlmUsage usage, Cancellation cancellation);
}
