package dev.minilab.runtime.agent;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * Reads the history after a seq for a catch-up (issue 16): a failed read is retried with backoff, and reported in
 * the heartbeat's {@value #STATUS_FIELD} field until it succeeds or is given up.
 */
final class CatchUpReader {

    /** Heartbeat field saying what is wrong with this agent's bus (absent: nothing). */
    static final String STATUS_FIELD = "bus";
    /** A failed read is retried this many times, waiting twice as long each time up to the maximum. */
    static final int ATTEMPTS = 10;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final TeamBus bus;
    private final String agent;
    private final Logger log;
    private final Map<String, String> statusFields;
    private final Runnable heartbeat;
    private final BooleanSupplier running;

    CatchUpReader(TeamBus bus, String agent, Logger log, Map<String, String> statusFields, Runnable heartbeat,
                  BooleanSupplier running) {
        this.bus = bus;
        this.agent = agent;
        this.log = log;
        this.statusFields = statusFields;
        this.heartbeat = heartbeat;
        this.running = running;
    }

    /** The history entries after {@code after}, oldest first; empty when every attempt failed (logged, reported). */
    Optional<List<Message>> read(long after) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                List<Message> missed = bus.historySince(after);
                if (statusFields.remove(STATUS_FIELD) != null) {
                    log.info("Caught up after seq {} ({} message(s) read)", after, missed.size());
                    heartbeat.run();
                }
                return Optional.of(missed);
            } catch (RuntimeException e) {
                if (!running.getAsBoolean() || attempt >= ATTEMPTS) {
                    log.error("Gave up catching up after seq {} ({} attempts, last: {}); messages sent while {} was "
                            + "away are not handled: ask the team to repeat them", after, attempt, e.getMessage(),
                            agent);
                    statusFields.put(STATUS_FIELD, "catch-up failed after seq " + after);
                    heartbeat.run();
                    return Optional.empty();
                }
                log.warn("Could not read {} to catch up after seq {} ({}); retry {} of {} in {} ms",
                        bus.keys().history(), after, e.getMessage(), attempt, ATTEMPTS - 1, backoff.toMillis());
                String reason = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
                statusFields.put(STATUS_FIELD, "catch-up retrying: "
                        + (reason.length() <= 60 ? reason : reason.substring(0, 60) + "…"));
                heartbeat.run();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }
}
