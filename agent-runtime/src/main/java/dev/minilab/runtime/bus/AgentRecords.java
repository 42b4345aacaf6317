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
 * control messages it handled ({@code agent_controls}), its heartbeat ({@code agent_status:<role>}) and its LLM usage
 * ({@code agent_usage:<role>}). Each role's Redis user may write only its own keys (issue 17).
 */
final class AgentRecords {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRecords.class);

    /** The field of {@code agent_progress:<agent>} that holds the seq. */
    static final String PROGRESS_FIELD = "seq";

    /** HSET field value only if value is greater than the field's number (a malformed field counts as -1). */
    private static final LuaScript SET_IF_GREATER = LuaScript.of("""
            local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1') or -1
            if tonumber(ARGV[2]) > current then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
              return 1
            end
            return 0
            """);

    private static final LuaScript ADD_USAGE = LuaScript.of("""
            redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|input', ARGV[2])
            redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|output', ARGV[3])
            return redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|calls', 1)
            """);

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
        Long raised = SET_IF_GREATER.run(redis, ScriptOutputType.INTEGER,
                new String[] {keys.progress(agent)}, PROGRESS_FIELD, Long.toString(seq));
        return raised != null && raised == 1L;
    }

    /** See {@link TeamBus#markControlHandled(String, String)}. */
    boolean markControlHandled(String agent, String id) {
        String mark = agent + "|" + id;
        Long added = redis.sadd(keys.handledControls(), mark, mark + "|" + java.util.UUID.randomUUID());
        // 2: new; 0: both there, so this very command ran before (re-sent); 1: only the attempt's mark is new
        return added != null && added != 1L;
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
        ADD_USAGE.run(redis, ScriptOutputType.INTEGER, new String[] {keys.usage(role)}, role + "|" + model,
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
