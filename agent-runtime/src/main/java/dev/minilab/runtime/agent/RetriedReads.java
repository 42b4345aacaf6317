package dev.minilab.runtime.agent;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The agent's reads that a message depends on (issue 16): the history after a seq for a catch-up, the guardrails'
 * state a turn is decided on ({@link AgentHooks#refuseTurn}), and the context of a turn. A failed read is retried
 * with backoff, and reported in the heartbeat's {@value #STATUS_FIELD} field until it succeeds or is given up, so that a Redis outage (or a broken ACL) that outlasts the bus' own retries does not
 * cost a message.
 */
final class RetriedReads {

    /** Heartbeat field saying what is wrong with this agent's bus (absent: nothing). */
    static final String STATUS_FIELD = "bus";
    /** A failed read is retried this many times, waiting twice as long each time up to the maximum. */
    static final int ATTEMPTS = ReadBackoff.ATTEMPTS;

    private final TeamBus bus;
    private final String agent;
    private final Logger log;
    private final Map<String, String> statusFields;
    private final Runnable heartbeat;
    private final BooleanSupplier running;

    RetriedReads(TeamBus bus, String agent, Logger log, Map<String, String> statusFields, Runnable heartbeat,
                 BooleanSupplier running) {
        this.bus = bus;
        this.agent = agent;
        this.log = log;
        this.statusFields = statusFields;
        this.heartbeat = heartbeat;
        this.running = running;
    }

    /**
     * The history entries after {@code after}, oldest first; empty when every attempt failed (logged, reported). Warns
     * when entries after {@code after} may have fallen out of the history window of {@code window} messages.
     */
    Optional<List<Message>> catchUp(long after, int window) {
        Optional<List<Message>> missed = retried("catch-up", "catch up after seq " + after, bus.keys().history(),
                () -> bus.historySince(after), running);
        if (missed.isEmpty()) {
            log.error("Gave up catching up after seq {}; messages sent while {} was away are not handled: ask the "
                    + "team to repeat them", after, agent);
            statusFields.put(STATUS_FIELD, "catch-up failed after seq " + after);
            heartbeat.run();
        }
        missed.filter(m -> !m.isEmpty() && m.get(0).seq() > after + 1 && m.size() >= window - 1).ifPresent(m ->
                log.warn("Messages between seq {} and {} may have fallen out of the history window ({} messages, "
                        + "HISTORY_WINDOW) while {} was away; ask the team to repeat what is missing", after + 1,
                        m.get(0).seq() - 1, window, agent));
        return missed;
    }

    /**
     * The result of {@code read}, which reads what a turn needs; empty when every attempt failed or {@code goOn}
     * turned false (the turn was stopped) meanwhile. A failure is reported as "context read retrying".
     */
    <T> Optional<T> context(long seq, Supplier<T> read, BooleanSupplier goOn) {
        return retried("context read", "read the context of seq " + seq, bus.keys().history(), read,
                () -> running.getAsBoolean() && goOn.getAsBoolean());
    }

    /**
     * The guardrails' decision for a turn ({@code decide}, which throws when the state it needs cannot be read: the
     * request's counters, the loop breaker's history), retried like {@link #context}; empty when every attempt failed
     * or {@code goOn} turned false meanwhile. A failure is reported as "guardrail read retrying". Before issue 16's
     * SentinelFailoverIT finding an unreadable state refused the turn, and the message was dropped for good.
     */
    <T> Optional<T> guardrails(long seq, Supplier<T> decide, BooleanSupplier goOn) {
        return retried("guardrail read", "read the guardrails' state for seq " + seq, "the guardrails' state", decide,
                () -> running.getAsBoolean() && goOn.getAsBoolean());
    }

    private <T> Optional<T> retried(String what, String purpose, String source, Supplier<T> read,
                                    BooleanSupplier goOn) {
        Duration backoff = ReadBackoff.FIRST;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = read.get();
                // A context read that works withdraws its own report, not a "catch-up failed" one (that one stays
                // until a catch-up works: messages may be missing).
                String report = statusFields.get(STATUS_FIELD);
                if (report != null && (report.startsWith(what + " ") || what.equals("catch-up"))) {
                    statusFields.remove(STATUS_FIELD);
                    log.info("Could {} at attempt {}", purpose, attempt);
                    heartbeat.run();
                }
                return Optional.of(result);
            } catch (RuntimeException e) {
                if (!goOn.getAsBoolean() || attempt >= ATTEMPTS) {
                    log.error("Could not {} ({} attempts, last: {})", purpose, attempt, e.getMessage());
                    withdraw(what);
                    heartbeat.run();
                    return Optional.empty();
                }
                log.warn("Could not read {} to {} ({}); retry {} of {} in {} ms", source, purpose,
                        e.getMessage(), attempt, ATTEMPTS - 1, backoff.toMillis());
                statusFields.put(STATUS_FIELD, what + " retrying: " + reasonOf(e));
                heartbeat.run();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    withdraw(what);
                    return Optional.empty();
                }
                backoff = ReadBackoff.next(backoff);
            }
        }
    }

    /**
     * Reports that the guardrails' state read before an LLM call (retried by the discipline itself) is being retried
     * for {@code reason}, or, when empty, no longer is: the same heartbeat report as {@link #guardrails}.
     */
    void guardrailsRetrying(Optional<String> reason) {
        if (reason.isPresent()) {
            statusFields.put(STATUS_FIELD, "guardrail read retrying: " + shorten(reason.get()));
        } else {
            withdraw("guardrail read");
        }
        heartbeat.run();
    }

    /** Removes this kind of read's "retrying" report, and no other report. */
    private void withdraw(String what) {
        statusFields.computeIfPresent(STATUS_FIELD, (field, report) -> report.startsWith(what + " retrying") ? null
                : report);
    }

    private static String reasonOf(RuntimeException e) {
        return shorten(String.valueOf(e.getMessage()));
    }

    private static String shorten(String text) {
        String reason = text.replaceAll("\\s+", " ");
        return reason.length() <= 60 ? reason : reason.substring(0, 60) + "…";
    }
}
