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

    Heartbeat(AgentSpec spec, TeamBus bus, UnaryOperator<String> redactor, Logger log) {
        this.spec = spec;
        this.bus = bus;
        this.redactor = redactor;
        this.log = log;
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
