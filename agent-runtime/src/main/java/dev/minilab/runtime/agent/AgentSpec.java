package dev.minilab.runtime.agent;

import java.util.Objects;

/**
 * Who an agent is on the team.
 *
 * @param name          the agent's name on the bus (a role name)
 * @param systemPrompt  its instructions (prompts/&lt;name&gt;.md)
 * @param escalateTo    who gets its escalations and step-cap reports (Architect_Zero, or User for Architect_Zero)
 * @param historyWindow messages of history it is shown
 * @param version       MiniLab version, reported in its status heartbeat
 */
public record AgentSpec(String name, String systemPrompt, String escalateTo, int historyWindow, String version) {

    public AgentSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(escalateTo, "escalateTo");
        if (historyWindow < 1) {
            throw new IllegalArgumentException("historyWindow must be at least 1");
        }
        version = version == null ? "dev" : version;
    }
}
