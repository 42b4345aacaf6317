package dev.minilab.provisioning.diagnosis;

import dev.langchain4j.model.output.TokenUsage;
import dev.minilab.provisioning.ports.CostMeter;
import dev.minilab.provisioning.ports.UsageSink;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * The LLM usage of one run: calls, input and output tokens, dollars. Each call is also passed to a
 * {@link UsageSink} (the agent's usage meter inside the team). Cost is unknown as soon as one call's price is.
 */
public final class LlmUsage {

    private final CostMeter prices;
    private final UsageSink sink;
    private int calls;
    private long input;
    private long output;
    private BigDecimal cost = BigDecimal.ZERO;
    private boolean costKnown = true;

    public LlmUsage(CostMeter prices, UsageSink sink) {
        this.prices = prices;
        this.sink = sink;
    }

    /** Records one LLM response. */
    public synchronized void record(String model, TokenUsage usage) {
        calls++;
        long in = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long out = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        input += in;
        output += out;
        Optional<BigDecimal> price = prices.costUsd(model, in, out);
        if (price.isPresent()) {
            cost = cost.add(price.get());
        } else {
            costKnown = false;
        }
        sink.record(model, usage == null ? new TokenUsage(0, 0) : usage);
    }

    /** A call that got no response (it still counts as a call, with no tokens). */
    public synchronized void recordFailedCall() {
        calls++;
    }

    public synchronized int calls() {
        return calls;
    }

    public synchronized long inputTokens() {
        return input;
    }

    public synchronized long outputTokens() {
        return output;
    }

    /** Dollars, or empty when a price is unknown. Zero calls cost zero. */
    public synchronized Optional<BigDecimal> costUsd() {
        return costKnown || calls == 0 ? Optional.of(cost) : Optional.empty();
    }
}
