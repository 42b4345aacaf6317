package dev.minilab.runtime.agent;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.loop.ToolCallRecord;
import dev.minilab.runtime.loop.TurnOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Turns how a turn ended into what the agent publishes (LESSONS rows 3, 7, 9): an answer goes out as written (its
 * @-mentions route it), a {@code finish_task} summary goes to the User only, and every other end is a report to the
 * escalation target with the last calls and the execution log's path. A failed LLM call is a one-line status
 * (outside every model's context). A stopped turn publishes nothing.
 *
 * @param agent      the agent's name
 * @param escalateTo Architect_Zero, or the User for Architect_Zero itself
 * @param logPath    the agent's Markdown execution log, named in reports
 */
record OutcomeReport(String agent, String escalateTo, Path logPath) {

    /** What to publish and what to write as the turn's outcome in the execution log. */
    record Report(String kind, String logText, Optional<Message> message) { }

    Report of(TurnOutcome outcome) {
        return switch (outcome) {
            case TurnOutcome.Answered answered -> {
                String text = answered.text().isBlank()
                        ? "@" + escalateTo + " I ended my turn without a written answer (the model returned no "
                                + "text outside its reasoning). Execution log: " + logPath
                        : answered.text();
                yield new Report("answered", text, Optional.of(Message.chat(agent, text)));
            }
            case TurnOutcome.Finished finished -> new Report("finished", finished.summary(),
                    Optional.of(Message.chatTo(agent, finished.summary(), List.of(Message.USER))));
            case TurnOutcome.Escalated escalated -> escalate("escalated",
                    calls("I stopped this turn: " + escalated.reason() + ". My last calls:", escalated.lastCalls()));
            case TurnOutcome.StepCapReached cap -> escalate("step cap reached",
                    calls("I reached the step limit (" + cap.steps() + " steps, MAX_STEPS) without finishing this "
                            + "turn. My last calls:", cap.lastCalls()));
            // A status line, not chat: it reaches the User's console and the execution log but never chat_history,
            // so no model ever reads an error page as part of the conversation, and it wakes nobody.
            case TurnOutcome.LlmFailed failed -> {
                String text = "LLM error, turn ended: " + failed.error() + " — check OPENAI_API_BASE, OPENAI_API_KEY"
                        + " and the model name (LLM_MODEL / LLM_MODEL_<ROLE>) in .env";
                yield new Report("llm failed", text, Optional.of(Message.status(agent, text)));
            }
            case TurnOutcome.Halted halted -> new Report("halted", halted.reason(), Optional.empty());
            case TurnOutcome.Stopped stopped ->
                    new Report("stopped", "cancelled by the User's STOP/CLEAR", Optional.empty());
        };
    }

    private Report escalate(String kind, String text) {
        Message message = Message.USER.equals(escalateTo)
                ? Message.chatTo(agent, text, List.of(Message.USER))
                : Message.chat(agent, "@" + escalateTo + " " + text);
        return new Report(kind, text, Optional.of(message));
    }

    private String calls(String headline, List<ToolCallRecord> calls) {
        StringBuilder text = new StringBuilder(headline);
        if (calls.isEmpty()) {
            text.append(" (none)");
        }
        int n = 1;
        for (ToolCallRecord call : calls) {
            text.append("\n").append(n++).append(". ").append(call.summaryLine());
        }
        text.append("\nExecution log: ").append(logPath);
        return text.toString();
    }
}
