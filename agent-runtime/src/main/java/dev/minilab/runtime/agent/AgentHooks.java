package dev.minilab.runtime.agent;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.tools.ToolResult;
import java.util.Optional;

/**
 * Where the team's guardrails (hop limit, loop breaker, budget, metrics) look into a {@link TeamAgent}. The agent
 * calls them at fixed points; an implementation must not throw (failures are its own to log), except
 * {@link #refuseTurn} when it cannot decide.
 */
public interface AgentHooks {

    /** Hooks that do nothing. */
    AgentHooks NONE = new AgentHooks() { };

    /** A chat message arrived (live or from the history), before the agent decides whether it is for it. */
    default void received(Message message) {
    }

    /** A message was queued for a turn of this agent. */
    default void queued(Message message) {
    }

    /**
     * Returns why no turn may start for {@code trigger} (the agent then skips it), or empty. The one hook that may
     * throw: a {@link RuntimeException} means the state to decide on cannot be read now (Redis failing over), not a
     * refusal; the agent retries the call with backoff and, when it never answers, fails the turn with a report.
     */
    default Optional<String> refuseTurn(Message trigger) {
        return Optional.empty();
    }

    /**
     * A STOP/CLEAR was handled (the first copy of its id): the running turn is cancelled and the queue emptied. Called
     * under the lock a turn's answer is published under, so it is ordered with {@link #publishing} of every answer.
     */
    default void controlHandled(Message control) {
    }

    /** A message of this agent is about to be published. */
    default void publishing(Message message) {
    }

    /** A tool call of this agent ended. */
    default void toolCalled(String tool, ToolResult result) {
    }
}
