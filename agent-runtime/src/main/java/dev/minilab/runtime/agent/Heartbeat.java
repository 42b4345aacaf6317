package dev.minilab.runtime.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minilab.runtime.bus.TeamBus;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/**
 * Writes a {@link TeamAgent}'s heartbeat, signed, into its key {@code agent_status:<Role>}: the agent's state plus
 * the extra fields set by the wiring (e.g. {@code sandbox}) and by {@link RetriedReads} ({@code bus}).
 */
final class Heartbeat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentSpec spec;
    private final TeamBus bus;
    private final UnaryOperator<String> redactor;
    private final Logger log;
    private final Map<String, String> fields = new ConcurrentHashMap<>();
    /** Writes the heartbeats a turn asks for, so the turn does not wait for a signature and a round trip. */
    private final java.util.concurrent.ExecutorService writer;
    private final java.util.concurrent.atomic.AtomicBoolean waiting = new java.util.concurrent.atomic.AtomicBoolean();

    Heartbeat(AgentSpec spec, TeamBus bus, UnaryOperator<String> redactor, Logger log) {
        this.spec = spec;
        this.bus = bus;
        this.redactor = redactor;
        this.log = log;
        this.writer = java.util.concurrent.Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name(spec.name() + "-heartbeat").daemon(true).factory());
    }

    /**
     * Runs {@code write} (which reads the agent's state and calls {@link #write}) on the heartbeat thread (issue 12:
     * the hop path does not wait for it). One write at a time, in order, each with the state at the moment it runs;
     * a request made while one is still waiting is covered by that one.
     */
    void later(Runnable write) {
        if (!waiting.compareAndSet(false, true)) {
            return;
        }
        try {
            writer.execute(() -> {
                waiting.set(false); // before the state is read: a change after this point gets its own write
                write.run();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            waiting.set(false); // closed
        }
    }

    /** Writes a heartbeat still waiting, then stops the heartbeat thread (at most 2 s). */
    void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The extra fields, written into every heartbeat from now on (the agent's own fields win on a clash). */
    Map<String, String> fields() {
        return fields;
    }

    /** Writes one heartbeat; a failure is logged at debug level (the next one tries again). */
    void write(AgentState state, String task, long lastSeq, int queued) {
        ObjectNode node = JSON.createObjectNode();
        fields.forEach(node::put);
        node.put("role", spec.name());
        node.put("state", state.wire());
        node.put("task", redactor.apply(task));
        node.put("last_seq", lastSeq);
        node.put("queued", queued);
        node.put("version", spec.version());
        node.put("updated", Instant.now().toString());
        try {
            bus.putStatus(spec.name(), node.toString());
        } catch (RuntimeException e) {
            log.debug("Heartbeat not written: {}", e.getMessage());
        }
    }
}
