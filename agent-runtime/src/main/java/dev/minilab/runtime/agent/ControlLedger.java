package dev.minilab.runtime.agent;

import dev.minilab.runtime.bus.TeamBus;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The control messages (STOP/CLEAR) an agent has handled, by id: in memory and in Redis set {@code agent_controls}
 * (kept across restarts). CLEAR does not wipe it, so no copy of a control message ever acts twice (issue 16).
 */
final class ControlLedger {

    private static final int REMEMBERED = 10_000;

    private final TeamBus bus;
    private final String agent;
    private final Logger log;
    private final Set<String> handled = RecentIds.keeping(REMEMBERED);

    ControlLedger(TeamBus bus, String agent, Logger log) {
        this.bus = bus;
        this.agent = agent;
        this.log = log;
    }

    /** Records {@code id} as handled; true the first time (when Redis cannot be asked, true unless seen here). */
    boolean firstTime(String id) {
        synchronized (handled) {
            if (!handled.add(id)) {
                return false;
            }
        }
        try {
            return bus.markControlHandled(agent, id);
        } catch (RuntimeException e) {
            log.warn("Could not record control message {} as handled in {} ({}); handling it anyway", id,
                    bus.keys().handledControls(), e.getMessage());
            return true;
        }
    }
}
