package dev.minilab.runtime.agent;

import dev.minilab.runtime.bus.TeamBus;
import java.util.OptionalLong;
import org.slf4j.Logger;

/**
 * One agent's progress in its hash {@code agent_progress:<agent>}: the seq up to which every message addressed to it
 * is dealt with.
 * Writes only ever raise it; no method throws when Redis is unreachable (it logs what that means instead).
 */
final class ProgressLedger {

    private final TeamBus bus;
    private final String agent;
    private final Logger log;
    private long saved = -1;

    ProgressLedger(TeamBus bus, String agent, Logger log) {
        this.bus = bus;
        this.agent = agent;
        this.log = log;
    }

    /**
     * Returns the seq to resume after when the agent has run before, or empty on its very first start (then the
     * current {@code chat_seq} is recorded, so an agent joining a team does not replay its old conversation) or when
     * Redis cannot be read.
     */
    OptionalLong resumePoint() {
        OptionalLong recorded;
        long current;
        try {
            recorded = bus.progress(agent);
            current = bus.currentSeq();
        } catch (RuntimeException e) {
            log.warn("Could not read {} from Redis ({}); starting without catching up on missed messages",
                    bus.keys().progress(agent), e.getMessage());
            return OptionalLong.empty();
        }
        if (recorded.isEmpty()) {
            save(current);
            return OptionalLong.empty();
        }
        long from = recorded.getAsLong();
        if (from > current) {
            log.warn("{} says {} handled up to seq {} but {} is only {}: Redis lost data (an AOF written with "
                    + "appendfsync everysec loses up to a second; use appendfsync always). Resuming from seq {}",
                    bus.keys().progress(agent), agent, from, bus.keys().sequence(), current, current);
            from = current;
        }
        synchronized (this) {
            saved = Math.max(saved, from);
        }
        return OptionalLong.of(from);
    }

    /** Returns the highest seq recorded (or read at start-up); -1 when none. */
    synchronized long recorded() {
        return saved;
    }

    /**
     * Records that everything up to {@code seq} is dealt with, unless a higher seq is already recorded. The write
     * happens under the same monitor as the in-memory check, so writes reach Redis in order; Redis also keeps only
     * a higher value (a set-if-greater script), so even a stray write never moves progress back.
     */
    synchronized void save(long seq) {
        if (seq <= saved) {
            return;
        }
        saved = seq;
        try {
            bus.saveProgress(agent, seq);
        } catch (RuntimeException e) {
            log.warn("Could not record progress (seq {}) in {}: {}. After a restart the agent may handle messages up "
                    + "to that seq again", seq, bus.keys().progress(agent), e.getMessage());
        }
    }
}
