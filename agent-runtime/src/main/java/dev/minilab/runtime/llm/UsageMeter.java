package dev.minilab.runtime.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.output.TokenUsage;
import dev.minilab.runtime.bus.TeamBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the token usage of every LLM response in hash {@code agent_usage}: field {@code <role>|<model>}, value
 * {@code {"input":N,"output":N,"calls":N}}. Each agent process is the only writer of its own fields.
 */
public final class UsageMeter {

    private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TeamBus bus;
    private final String role;

    public UsageMeter(TeamBus bus, String role) {
        this.bus = bus;
        this.role = role;
    }

    /** Adds one response's usage to the totals of {@code model}. */
    public synchronized void record(String model, TokenUsage usage) {
        String field = role + "|" + model;
        try {
            long input = 0;
            long output = 0;
            long calls = 0;
            String current = bus.usageField(field);
            if (current != null) {
                JsonNode node = JSON.readTree(current);
                input = node.path("input").asLong();
                output = node.path("output").asLong();
                calls = node.path("calls").asLong();
            }
            ObjectNode next = JSON.createObjectNode();
            next.put("input", input + orZero(usage.inputTokenCount()));
            next.put("output", output + orZero(usage.outputTokenCount()));
            next.put("calls", calls + 1);
            bus.putUsage(field, next.toString());
        } catch (Exception e) {
            LOG.warn("Could not record token usage for {}: {}", field, e.toString());
        }
    }

    private static long orZero(Integer count) {
        return count == null ? 0 : count;
    }
}
