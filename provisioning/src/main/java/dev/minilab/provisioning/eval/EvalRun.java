package dev.minilab.provisioning.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minilab.provisioning.diagnosis.Hypothesis;
import dev.minilab.provisioning.pipeline.RunReport;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** One scenario × model result of the harness (one row of the table, one element of {@code runs}). */
public record EvalRun(String scenario, String model, String status, int retries, int llmCalls, long inputTokens,
                      long outputTokens, Optional<BigDecimal> costUsd, double seconds, List<Hypothesis> hypotheses,
                      String reason) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public EvalRun {
        hypotheses = List.copyOf(hypotheses);
    }

    public static EvalRun of(Scenario scenario, String model, RunReport report) {
        return new EvalRun(scenario.id(), model, report.status().name(), report.retries(), report.llmCalls(),
                report.inputTokens(), report.outputTokens(), report.costUsd(), report.duration().toMillis() / 1000.0,
                report.hypotheses(), report.reason());
    }

    /** The element of {@code runs} in the eval JSON (exactly the fields the issue names). */
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("scenario", scenario);
        node.put("model", model);
        node.put("status", status);
        node.put("retries", retries);
        node.put("llm_calls", llmCalls);
        node.put("input_tokens", inputTokens);
        node.put("output_tokens", outputTokens);
        if (costUsd.isPresent()) {
            node.put("cost_usd", costUsd.get());
        } else {
            node.putNull("cost_usd");
        }
        node.put("seconds", Math.round(seconds * 1000) / 1000.0);
        ArrayNode list = node.putArray("hypotheses");
        hypotheses.forEach(h -> list.add(h.toJson()));
        return node;
    }
}
