package dev.minilab.runtime.agent;

import java.util.Locale;

/** What an agent is doing, as its status heartbeat reports it. */
public enum AgentState {
    IDLE, BUSY, HALTED,
    /** The worker died of an {@link Error}; the process is ending and will be restarted. */
    FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
