package dev.minilab.provisioning.pipeline;

import dev.minilab.provisioning.backend.Guest;
import dev.minilab.provisioning.diagnosis.Hypothesis;
import dev.minilab.provisioning.machine.State;
import dev.minilab.provisioning.spec.Variables;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a run ended.
 *
 * @param status       SUCCESS or FAILED
 * @param reason       why it ended (for FAILED: the cause, e.g. "repeated hypothesis")
 * @param retries      DIAGNOSING → RUNNING transitions taken
 * @param llmCalls     diagnosis calls (including the retry of an invalid answer)
 * @param costUsd      dollars, empty when a price is unknown
 * @param hypotheses   every hypothesis the model proposed, in order (also the repeated one)
 * @param transitions  every transition
 * @param log          transitions and notes, in order (what the execution log got)
 * @param guests       the guests of the last successful apply
 * @param variables    the variables of the last attempt
 * @param lastFailure  the output of the last failing step or the last findings, for the user
 * @param destroyed    on FAILED with destroy_on_failure: what the destroy said
 */
public record RunReport(String deployment, String target, State status, String reason, int retries, int llmCalls,
                        long inputTokens, long outputTokens, Optional<BigDecimal> costUsd, Duration duration,
                        List<Hypothesis> hypotheses, List<TransitionRecord> transitions, List<String> log,
                        List<Guest> guests, Variables variables, String lastFailure, Optional<String> destroyed) {

    public RunReport {
        hypotheses = List.copyOf(hypotheses);
        transitions = List.copyOf(transitions);
        log = List.copyOf(log);
        guests = List.copyOf(guests);
    }

    public boolean succeeded() {
        return status == State.SUCCESS;
    }

    /** A few lines for the user or the model: outcome, retries, LLM use, guests or the last failure. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append("provision ").append(deployment).append(" (").append(target).append("): ").append(status);
        if (!succeeded()) {
            text.append(" — ").append(reason);
        }
        text.append("\nretries: ").append(retries).append(", LLM calls: ").append(llmCalls).append(", tokens in/out: ")
                .append(inputTokens).append('/').append(outputTokens).append(", cost: ")
                .append(costUsd.map(c -> "$" + c.setScale(4, java.math.RoundingMode.HALF_UP).toPlainString())
                        .orElse("price unknown"))
                .append(", ").append(duration.toMillis() / 1000.0).append(" s\n");
        for (int i = 0; i < hypotheses.size(); i++) {
            text.append("hypothesis ").append(i + 1).append(": ").append(hypotheses.get(i)).append('\n');
        }
        if (succeeded()) {
            guests.forEach(g -> text.append("guest ").append(g.id()).append(' ').append(g.hostname()).append(" at ")
                    .append(g.address()).append('\n'));
        } else if (lastFailure != null && !lastFailure.isBlank()) {
            text.append("last failure:\n").append(lastFailure.strip()).append('\n');
        }
        destroyed.ifPresent(d -> text.append("destroy: ").append(d.strip()).append('\n'));
        return text.toString();
    }
}
