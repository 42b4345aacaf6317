package dev.minilab.console.status;

import java.time.Instant;
import java.util.Objects;

/**
 * What the console believes one agent is doing.
 *
 * @param role    role name
 * @param state   {@code idle}, {@code busy}, {@code halted}, or {@code unknown}
 * @param task    short description of the work, empty when none
 * @param since   when this was last reported or observed; null when never
 * @param source  where the belief comes from
 */
public record AgentState(String role, String state, String task, Instant since, Source source) {

    /** Heartbeat from the agent itself ({@code agent_status}) or derived from the messages the console saw. */
    public enum Source { HEARTBEAT, MESSAGES, NONE }

    public AgentState {
        Objects.requireNonNull(role, "role");
        state = state == null || state.isBlank() ? "unknown" : state;
        task = task == null ? "" : task.strip();
        Objects.requireNonNull(source, "source");
    }

    /** Nothing known about {@code role}. */
    public static AgentState unknown(String role) {
        return new AgentState(role, "unknown", "", null, Source.NONE);
    }
}
