package dev.minilab.provisioning.diagnosis;

/** What one DIAGNOSING step produced. */
public sealed interface DiagnosisOutcome {

    /** A schema-valid hypothesis. */
    record Proposed(Hypothesis hypothesis) implements DiagnosisOutcome { }

    /** The model answered, but not valid JSON of the schema, twice; {@code reason} says what was wrong. */
    record Invalid(String reason, String lastAnswer) implements DiagnosisOutcome { }

    /** The model could not be asked (unreachable, error status); {@code reason} names model and cause. */
    record Unavailable(String reason) implements DiagnosisOutcome { }
}
