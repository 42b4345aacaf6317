package dev.minilab.runtime.discipline;

import dev.minilab.runtime.bus.BusFunctions;
import dev.minilab.runtime.bus.Message;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The current User request's shared counters in hash {@code request_state}: every agent process reads and updates
 * the same hash, so the limits hold for the team, not per process. Each update is one Redis command or script, so
 * concurrent agents never lose a count. The scripts are functions of the {@link BusFunctions} library
 * ({@code minilab_request_start}, {@code _usage}, {@code _halt}), which refuse out-of-range counts.
 *
 * <p>A request starts with a User chat message: every agent that receives it calls {@link #startRequest}, and only
 * the first call for a seq newer than the recorded one resets the hash (a late or replayed copy changes nothing).
 */
public final class RequestLedger {

    private final RedisCommands<String, String> redis;
    private final String key;
    private final String sequence;

    public RequestLedger(RedisCommands<String, String> redis, DisciplineKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.key = keys.requestState();
        this.sequence = keys.sequence();
    }

    /** Starts a new request for {@code userMessage}; returns true when this call reset the counters. */
    public boolean startRequest(Message userMessage) {
        Long reset = redis.fcall(BusFunctions.REQUEST_START, ScriptOutputType.INTEGER, new String[] {key, sequence},
                Long.toString(userMessage.seq()), userMessage.id());
        return reset != null && reset == 1;
    }

    /** Counts one agent-to-agent message; returns the hop count after it. */
    public long countHop() {
        return redis.hincrby(key, "hops", 1);
    }

    /** The running totals after one call. */
    public record Totals(long tokens, BigDecimal costUsd) { }

    /**
     * Adds one LLM call's usage.
     *
     * @param cost the call's dollars, or empty when the model's price is unknown (tokens count, dollars do not)
     */
    public Totals addUsage(String agent, long tokens, Optional<BigDecimal> cost) {
        List<Object> result = redis.fcall(BusFunctions.REQUEST_USAGE, ScriptOutputType.MULTI, new String[] {key}, agent,
                Long.toString(tokens), cost.map(BigDecimal::toPlainString).orElse(""));
        return new Totals(Long.parseLong(String.valueOf(result.get(0))), new BigDecimal(String.valueOf(result.get(1))));
    }

    /**
     * Adds one LLM call's usage without waiting for Redis (issue 12: a round trip less per ReAct step). Commands on
     * one connection run in the order sent, so a later {@link #state()} on this ledger already sees it.
     */
    public java.util.concurrent.CompletionStage<Totals> addUsageAsync(String agent, long tokens,
                                                                     Optional<BigDecimal> cost) {
        return redis.getStatefulConnection().async().<List<Object>>fcall(BusFunctions.REQUEST_USAGE,
                        ScriptOutputType.MULTI,
                        new String[] {key}, agent, Long.toString(tokens),
                        cost.map(BigDecimal::toPlainString).orElse(""))
                .thenApply(result -> new Totals(Long.parseLong(String.valueOf(result.get(0))),
                        new BigDecimal(String.valueOf(result.get(1)))));
    }

    /** Declares the halt; returns true for the one caller that declared it (that caller reports it). */
    public boolean halt(HaltReason reason, String detail, String by) {
        Long won = redis.fcall(BusFunctions.REQUEST_HALT, ScriptOutputType.INTEGER, new String[] {key}, reason.wire(),
                detail, by);
        return won != null && won == 1;
    }

    /** Marks the halt as reported to the User; returns true for the one caller that should send the report. */
    public boolean markReported() {
        return Boolean.TRUE.equals(redis.hsetnx(key, "reported", "1"));
    }

    /** Records an open question to the User: the team spends nothing until the User writes again. */
    public void openQuestion(String question) {
        redis.hset(key, "question", question.isBlank() ? "(question)" : question);
    }

    /** The current state. */
    public RequestState state() {
        return RequestState.from(redis.hgetall(key));
    }

    /**
     * Reads the current state without waiting (issue 12: sent when a tool call ends, used by the next LLM call). On
     * this ledger's connection, so it is ordered after every write this ledger sent before it.
     */
    public java.util.concurrent.CompletableFuture<RequestState> stateAsync() {
        return redis.getStatefulConnection().async().hgetall(key).toCompletableFuture()
                .thenApply(RequestState::from);
    }
}
