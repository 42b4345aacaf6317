package dev.minilab.runtime.agent;

import java.util.Locale;

/** What an agent is doing, as its status heartbeat reports it. */
public enum AgentState {
    IDLE, BUSY, HALTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
