package dev.minilab.runtime.llm;

import dev.langchain4j.model.output.TokenUsage;
import dev.minilab.runtime.bus.TeamBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the token usage of every LLM response in the role's hash {@code agent_usage:<role>}: fields
 * {@code <role>|<model>|input}, {@code |output} and {@code |calls}, each a counter raised by HINCRBY (issue 16: a
 * read-modify-write lost counts when two processes of a role wrote at once).
 */
public final class UsageMeter {

    private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);

    private final TeamBus bus;
    private final String role;

    private final java.util.concurrent.Executor writes;

    /** A meter that writes on the calling thread. */
    public UsageMeter(TeamBus bus, String role) {
        this(bus, role, Runnable::run);
    }

    /**
     * A meter that writes through {@code writes} (the agent's bookkeeping thread: the counters are statistics, the
     * ReAct step does not wait for them, issue 12).
     */
    public UsageMeter(TeamBus bus, String role, java.util.concurrent.Executor writes) {
        this.bus = bus;
        this.role = role;
        this.writes = java.util.Objects.requireNonNull(writes, "writes");
    }

    /** Adds one response's usage to the totals of {@code model}. */
    public void record(String model, TokenUsage usage) {
        writes.execute(() -> write(model, usage));
    }

    private void write(String model, TokenUsage usage) {
        try {
            bus.addUsage(role, model, orZero(usage.inputTokenCount()), orZero(usage.outputTokenCount()));
        } catch (RuntimeException e) {
            LOG.warn("Could not record token usage for {}|{}: {}", role, model, e.toString());
        }
    }

    private static long orZero(Integer count) {
        return count == null ? 0 : count;
    }
}
