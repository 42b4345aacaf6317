package dev.minilab.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The series one agent process exposes (docs/OBSERVABILITY.md), in a Micrometer Prometheus registry:
 * {@code agent_llm_calls_total}, {@code agent_llm_input_tokens_total}, {@code agent_llm_output_tokens_total},
 * {@code agent_llm_cost_dollars_total}, {@code agent_llm_latency_seconds} (labels {@code role}, {@code model}),
 * {@code agent_tool_calls_total{role,tool,status}}, {@code agent_messages_total{role,direction}} and
 * {@code agent_halts_total{role,reason}}. Thread-safe.
 */
public final class AgentMetrics {

    /** Label value of {@code direction} for chat messages this agent took a turn for. */
    public static final String IN = "in";
    /** Label value of {@code direction} for chat messages this agent published. */
    public static final String OUT = "out";

    private final String role;
    /** Made on first use: loading Micrometer and the Prometheus model costs 0.3–2 s, off the agent's start-up path. */
    private volatile PrometheusMeterRegistry registry;

    public AgentMetrics(String role) {
        this.role = Objects.requireNonNull(role, "role");
    }

    private PrometheusMeterRegistry prometheus() {
        PrometheusMeterRegistry made = registry;
        if (made == null) {
            synchronized (this) {
                made = registry;
                if (made == null) {
                    made = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                    registry = made;
                }
            }
        }
        return made;
    }

    /** The agent's role (label {@code role}). */
    public String role() {
        return role;
    }

    /** One finished LLM call; {@code costUsd} is null when the model's price is unknown (no dollars counted). */
    public void llmCall(String model, long inputTokens, long outputTokens, BigDecimal costUsd, Duration latency) {
        String m = model == null || model.isBlank() ? "unknown" : model;
        Counter.builder("agent.llm.calls").description("LLM calls").tags("role", role, "model", m)
                .register(prometheus()).increment();
        Counter.builder("agent.llm.input.tokens").description("prompt tokens").tags("role", role, "model", m)
                .register(prometheus()).increment(inputTokens);
        Counter.builder("agent.llm.output.tokens").description("completion tokens").tags("role", role, "model", m)
                .register(prometheus()).increment(outputTokens);
        Counter cost = Counter.builder("agent.llm.cost.dollars").description("USD spent (known prices only)")
                .tags("role", role, "model", m).register(prometheus());
        if (costUsd != null) {
            cost.increment(costUsd.doubleValue());
        }
        Timer.builder("agent.llm.latency").description("LLM call latency").tags("role", role, "model", m)
                .register(prometheus()).record(latency);
    }

    /** One tool call; status is {@code ok} or {@code error}. */
    public void toolCall(String tool, boolean ok) {
        Counter.builder("agent.tool.calls").description("tool calls")
                .tags("role", role, "tool", tool, "status", ok ? "ok" : "error").register(prometheus()).increment();
    }

    /** One chat message taken in ({@link #IN}) or published ({@link #OUT}). */
    public void message(String direction) {
        Counter.builder("agent.messages").description("chat messages").tags("role", role, "direction", direction)
                .register(prometheus()).increment();
    }

    /** One halt this agent declared; reason is hops, loop, cost or tokens. */
    public void halt(String reason) {
        Counter.builder("agent.halts").description("team halts declared by this agent")
                .tags("role", role, "reason", reason.toLowerCase(Locale.ROOT)).register(prometheus()).increment();
    }

    /** The registry (tests, extra meters). */
    public MeterRegistry registry() {
        return prometheus();
    }

    /** Every series in the Prometheus text format (what {@code /metrics} serves). */
    public String scrape() {
        return prometheus().scrape();
    }
}
