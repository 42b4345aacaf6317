package dev.minilab.runtime.bus;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each agent records about itself next to the conversation: its progress ({@code agent_progress:<role>}), the
 * control messages it handled ({@code agent_controls:<role>}), its heartbeat ({@code agent_status:<role>}) and its LLM usage
 * ({@code agent_usage:<role>}). Each role's Redis user may write only its own keys (issue 17); progress and usage
 * are written by the {@link BusFunctions} library ({@code minilab_progress} refuses a seq above {@code chat_seq},
 * {@code minilab_usage} token counts out of range).
 */
final class AgentRecords {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRecords.class);

    /** The field of {@code agent_progress:<agent>} that holds the seq. */
    static final String PROGRESS_FIELD = "seq";

    private final BusKeys keys;
    private final MessageGuard guard;
    private final RedisCommands<String, String> redis;
    private final DropLog dropLog = new DropLog(LOG);

    AgentRecords(BusKeys keys, MessageGuard guard, RedisCommands<String, String> redis) {
        this.keys = keys;
        this.guard = guard;
        this.redis = redis;
    }

    /** See {@link TeamBus#progress(String)}. */
    OptionalLong progress(String agent) {
        String key = keys.progress(agent);
        String value = redis.hget(key, PROGRESS_FIELD);
        if (value == null) {
            key = keys.progress();
            value = redis.hget(key, agent);
        }
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring a malformed {} entry for {}: '{}' (expected a number); it is rewritten on the next "
                    + "handled message", key, agent, TeamBus.preview(value));
            return OptionalLong.empty();
        }
    }

    /** See {@link TeamBus#saveProgress(String, long)}. */
    boolean saveProgress(String agent, long seq) {
        Long raised = BusFunctions.call(redis, BusFunctions.PROGRESS, ScriptOutputType.INTEGER,
                new String[] {keys.progress(agent), keys.sequence()}, Long.toString(seq));
        return raised != null && raised == 1L;
    }

    /** See {@link TeamBus#markControlHandled(String, String)}. */
    boolean markControlHandled(String agent, String id) {
        String mark = agent + "|" + id;
        Long added = redis.sadd(keys.handledControls(agent), mark, mark + "|" + java.util.UUID.randomUUID());
        // 2: new; 0: both there, so this very command ran before (re-sent); 1: only the attempt's mark is new.
        // Ids handled before the per-role sets are in the legacy shared set (read only).
        return added != null && added != 1L && !Boolean.TRUE.equals(redis.sismember(keys.handledControls(), mark));
    }

    /** See {@link TeamBus#putStatus(String, String)}. */
    void putStatus(String agent, String json) {
        redis.set(keys.status(agent), guard.sealRecord(MessageGuard.STATUS_RECORD, json));
    }

    /** See {@link TeamBus#statuses(Collection)}. */
    Map<String, String> statuses(Collection<String> roles) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String role : roles) {
            String text = redis.get(keys.status(role));
            if (text == null) {
                continue;
            }
            Optional<String> rejection;
            try {
                rejection = guard.recordRejection(MessageGuard.STATUS_RECORD, role, text);
            } catch (RuntimeException e) {
                rejection = Optional.of("the guard failed: " + e);
            }
            if (rejection.isPresent()) {
                dropLog.drop("Ignored the heartbeat in " + keys.status(role) + ": " + rejection.get());
                continue;
            }
            out.put(role, text);
        }
        return out;
    }

    /** See {@link TeamBus#addUsage(String, String, long, long)}. */
    void addUsage(String role, String model, long inputTokens, long outputTokens) {
        BusFunctions.call(redis, BusFunctions.USAGE, ScriptOutputType.INTEGER, new String[] {keys.usage(role)},
                role + "|" + model,
                Long.toString(inputTokens), Long.toString(outputTokens));
    }

    /** See {@link TeamBus#usage(Collection)}. */
    Map<String, String> usage(Collection<String> roles) {
        Map<String, String> merged = new LinkedHashMap<>(redis.hgetall(keys.usage()));
        for (String role : roles) {
            redis.hgetall(keys.usage(role)).forEach((field, value) -> merged.merge(field, value,
                    AgentRecords::addCounts));
        }
        return merged;
    }

    private static String addCounts(String older, String newer) {
        try {
            return Long.toString(Math.addExact(Long.parseLong(older), Long.parseLong(newer)));
        } catch (RuntimeException e) {
            return newer; // a legacy JSON record under the same field: the per-role counter wins
        }
    }
}
