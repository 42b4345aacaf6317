package dev.minilab.runtime.loop;

import java.util.List;

/** How one ReAct turn ended. The agent decides what to publish from it; there is no silent end. */
public sealed interface TurnOutcome {

    /** The model answered with text and no tool call: the text is published (its @-mentions route the next turn). */
    record Answered(String text) implements TurnOutcome { }

    /** The model called {@code finish_task}: the summary goes to the User. */
    record Finished(String summary) implements TurnOutcome { }

    /** Too many tool calls failed in a row: the report goes to the escalation target. */
    record Escalated(String reason, List<ToolCallRecord> lastCalls) implements TurnOutcome {
        public Escalated {
            lastCalls = List.copyOf(lastCalls);
        }
    }

    /** The turn used all its steps without an answer. */
    record StepCapReached(int steps, List<ToolCallRecord> lastCalls) implements TurnOutcome {
        public StepCapReached {
            lastCalls = List.copyOf(lastCalls);
        }
    }

    /** The LLM could not be called (after the client's retries). */
    record LlmFailed(String error) implements TurnOutcome { }

    /**
     * The team's guardrails refused the next LLM call (budget spent, request halted, a question to the User open);
     * the agent publishes nothing for the turn: the runtime's report to the User covers it.
     */
    record Halted(String reason) implements TurnOutcome { }

    /** STOP or CLEAR cancelled the turn; nothing is published for it. */
    record Stopped() implements TurnOutcome { }
}
