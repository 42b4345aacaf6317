package dev.minilab.provisioning.diagnosis;

import dev.minilab.provisioning.backend.StepFailure;
import dev.minilab.runtime.log.Excerpts;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/** The two messages of a diagnosis call: fixed instructions, then the evidence of this failure. */
public final class DiagnosisPrompt {

    /** Characters of the failing step's output kept (head and tail). */
    static final int OUTPUT_CHARS = 6000;

    /** The first line of the system message; scripted test models match on it. */
    public static final String ROLE_LINE = "You are Provisioning_Diagnosis.";

    private DiagnosisPrompt() {
    }

    public static String system() {
        return ROLE_LINE + """
                 A deterministic pipeline ran `terraform init`, `plan` and `apply` of a Proxmox VE module (provider \
                bpg/proxmox) and then checked the hosts over SSH. It failed. Find the cause and say which module \
                variables to change so the next attempt succeeds.

                Answer with ONE JSON object and nothing else (no prose, no code fence needed):
                {"cause": "<one sentence: what is wrong>", "changes": {"<variable>": <complete new value>, ...}}

                Rules:
                - Change only variables listed as the module's variables; credentials are not variables.
                - Fix every problem the evidence shows; take valid names (nodes, storages, templates, bridges, \
                VMIDs) from the inventory when one is given, never invent them.
                - Never propose a change set that was already tried: the run ends at a repeated hypothesis.
                """;
    }

    public static String evidence(DiagnosisRequest request, UnaryOperator<String> redactor) {
        StringBuilder text = new StringBuilder();
        text.append("Deployment: ").append(request.spec().name()).append(" (kind ").append(request.spec().kind().id())
                .append(", module ").append(request.spec().kind().module()).append(")\n\n");
        text.append("Module variables you may change: ").append(new TreeSet<>(request.allowed())).append("\n\n");
        text.append("Variables of the failed attempt:\n").append(request.variables().toJson().toPrettyString())
                .append("\n\n");
        if (request.failure().isPresent()) {
            StepFailure failure = request.failure().get();
            text.append("Failing step: ").append(failure.stage().step()).append(" (exit code ")
                    .append(failure.exitCode()).append("). Its error output:\n")
                    .append(Excerpts.headAndTail(redactor.apply(failure.output()), OUTPUT_CHARS)).append("\n\n");
        } else {
            text.append("Failing step: apply succeeded, validation failed.\n\n");
        }
        if (!request.findings().isEmpty()) {
            text.append("Validator findings:\n");
            request.findings().forEach(f -> text.append("- ").append(redactor.apply(f)).append('\n'));
            text.append('\n');
        }
        text.append("Cluster inventory:\n").append(request.inventory().map(redactor)
                .orElse("(not available: no Proxmox API client is configured)")).append("\n\n");
        if (request.tried().isEmpty()) {
            text.append("Hypotheses tried so far: none.\n");
        } else {
            text.append("Hypotheses tried so far (do not repeat one):\n");
            request.tried().forEach(h -> text.append("- ").append(h.toJson()).append('\n'));
        }
        return text.toString();
    }

    /** The follow-up after an invalid answer. */
    public static String retry(String reason) {
        return "Your answer was not valid: " + reason + ". Answer again with exactly one JSON object "
                + "{\"cause\": \"...\", \"changes\": {\"<variable>\": <new value>}} and nothing else.";
    }
}
