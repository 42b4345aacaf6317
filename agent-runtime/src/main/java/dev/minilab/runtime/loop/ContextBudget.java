package dev.minilab.runtime.loop;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every LLM request within {@code CONTEXT_BUDGET_TOKENS} (LESSONS row 15). A request is the system prompt (with
 * the pinned User requests), the history, the triggering message and the turn's steps so far (each step: the model's
 * tool calls and their results). When it is over budget, in this order until it fits:
 * <ol>
 *   <li>results of steps older than the last {@value #KEEP_FULL_STEPS} shrink to one line each, oldest first;</li>
 *   <li>history goes, oldest first;</li>
 *   <li>whole old steps go (a tool call and its result always together), oldest first, and a one-line note says
 *       how many went;</li>
 *   <li>the results of the last steps but the newest shrink too.</li>
 * </ol>
 * The system prompt, the trigger and the newest step always stay; if they alone are over budget the request is sent
 * as it is, with a warning. The turn's own list is never changed: {@link #fit} returns what to send this time.
 */
public final class ContextBudget {

    /** Steps at the end of a turn whose results are kept whole as long as possible. */
    public static final int KEEP_FULL_STEPS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(ContextBudget.class);

    private final int maxTokens;
    private final TokenEstimator tokens;

    /**
     * @param maxTokens the budget of one request (messages and tool definitions)
     */
    public ContextBudget(int maxTokens, TokenEstimator tokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive");
        }
        this.maxTokens = maxTokens;
        this.tokens = tokens;
    }

    /** A budget that never trims (tests and callers without a budget). */
    public static ContextBudget unbounded() {
        return new ContextBudget(Integer.MAX_VALUE, new TokenEstimator());
    }

    /** The tool definitions are the same list object for a whole turn: count them once per list. */
    private List<ToolSpecification> countedTools;
    private long toolsBound;
    private int toolTokens = -1;

    private synchronized long toolsBound(List<ToolSpecification> tools) {
        if (tools != countedTools) {
            countedTools = tools;
            toolsBound = TokenEstimator.upperBoundTools(tools);
            toolTokens = -1;
        }
        return toolsBound;
    }

    private synchronized int toolTokens(List<ToolSpecification> tools) {
        toolsBound(tools);
        if (toolTokens < 0) {
            toolTokens = tokens.countTools(tools);
        }
        return toolTokens;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** The estimator used to count. */
    public TokenEstimator estimator() {
        return tokens;
    }

    /** Returns the messages to send: {@code messages} itself when it fits, else a trimmed copy. */
    public List<ChatMessage> fit(List<ChatMessage> messages, List<ToolSpecification> tools) {
        if (maxTokens == Integer.MAX_VALUE) {
            return messages;
        }
        // Most requests are far below the budget: prove it without the tokenizer (issue 12: counting the whole
        // context every step, and loading the vocabulary on the first request after start, cost milliseconds).
        if (TokenEstimator.upperBound(messages) + toolsBound(tools) <= maxTokens) {
            return messages;
        }
        int budget = maxTokens - toolTokens(tools);
        int total = tokens.count(messages);
        if (total <= budget) {
            return messages;
        }
        Layout layout = Layout.of(messages);
        List<ChatMessage> head = new ArrayList<>(messages.subList(0, layout.historyStart()));
        List<ChatMessage> history = new ArrayList<>(messages.subList(layout.historyStart(), layout.trigger()));
        List<ChatMessage> trigger = new ArrayList<>(messages.subList(layout.trigger(), layout.turnStart()));
        List<List<ChatMessage>> steps = steps(messages.subList(layout.turnStart(), messages.size()));

        // 1. old results to one line, oldest first
        for (int s = 0; s < steps.size() - KEEP_FULL_STEPS && total > budget; s++) {
            total -= shrink(steps.get(s));
        }
        // 2. history, oldest first
        while (!history.isEmpty() && total > budget) {
            total -= tokens.count(history.removeFirst());
        }
        // 3. whole old steps (calls with their results), oldest first
        int dropped = 0;
        ChatMessage note = null;
        while (steps.size() > KEEP_FULL_STEPS && total > budget) {
            total -= tokens.count(steps.removeFirst());
            dropped++;
            if (note != null) {
                total -= tokens.count(note);
            }
            note = droppedNote(dropped);
            total += tokens.count(note);
        }
        // 4. the results of the last steps but the newest
        for (int s = 0; s < steps.size() - 1 && total > budget; s++) {
            total -= shrink(steps.get(s));
        }
        if (total > budget) {
            LOG.warn("An LLM request is {} tokens, over CONTEXT_BUDGET_TOKENS={} even after trimming (the system prompt, "
                    + "the pinned requests, the triggering message and the newest step always stay); raise "
                    + "CONTEXT_BUDGET_TOKENS or shorten the prompt file", total + (maxTokens - budget), maxTokens);
        }
        List<ChatMessage> fitted = new ArrayList<>(head);
        fitted.addAll(history);
        fitted.addAll(trigger);
        if (note != null) {
            fitted.add(note);
        }
        steps.forEach(fitted::addAll);
        return fitted;
    }

    /** Replaces each result of {@code step} by its one-line form; returns the tokens saved. */
    private int shrink(List<ChatMessage> step) {
        int saved = 0;
        for (int i = 0; i < step.size(); i++) {
            if (step.get(i) instanceof ToolExecutionResultMessage result && !isShrunk(result.text())) {
                ToolExecutionResultMessage small = ToolExecutionResultMessage.from(result.id(), result.toolName(),
                        oneLine(result.text()));
                int before = tokens.count(result);
                int after = tokens.count(small);
                if (after < before) {
                    step.set(i, small);
                    saved += before - after;
                }
            }
        }
        return saved;
    }

    private static final String SHRUNK = "[shrunk to one line to fit CONTEXT_BUDGET_TOKENS";

    private static boolean isShrunk(String text) {
        return text != null && text.startsWith(SHRUNK);
    }

    /** One line from a rendered result: its status, exit code and first output line. */
    static String oneLine(String text) {
        String status = "";
        String exit = "";
        String first = "";
        boolean inOutput = false;
        for (String line : (text == null ? "" : text).split("\n")) {
            if (!inOutput && line.startsWith("status: ")) {
                status = line.substring(8).strip();
            } else if (!inOutput && line.startsWith("exit_code: ")) {
                exit = ", exit " + line.substring(11).strip();
            } else if (!inOutput && line.equals("---")) {
                inOutput = true;
            } else if ((inOutput || status.isEmpty()) && !line.isBlank()) {
                first = line.strip();
                break;
            }
        }
        if (first.length() > 120) {
            first = first.substring(0, 120) + "…";
        }
        return SHRUNK + " (" + (text == null ? 0 : text.length()) + " chars)] " + (status.isEmpty() ? "" : status + exit
                + ": ") + first;
    }

    private static ChatMessage droppedNote(int steps) {
        return UserMessage.from("[MiniLab: the " + steps + " oldest tool step(s) of this turn were removed to fit "
                + "CONTEXT_BUDGET_TOKENS. Do not repeat them blindly: check the current state instead.]");
    }

    /** Groups the turn part into steps: an AI message with tool calls and the results that follow it. */
    private static List<List<ChatMessage>> steps(List<ChatMessage> turn) {
        List<List<ChatMessage>> steps = new ArrayList<>();
        for (ChatMessage message : turn) {
            if (message instanceof AiMessage || steps.isEmpty()) {
                steps.add(new ArrayList<>());
            }
            steps.getLast().add(message);
        }
        return steps;
    }

    /**
     * Where the parts of a request start: system prompt at 0, history from {@code historyStart}, the trigger from
     * {@code trigger}, the turn's steps from {@code turnStart}.
     */
    private record Layout(int historyStart, int trigger, int turnStart) {
        static Layout of(List<ChatMessage> messages) {
            int historyStart = !messages.isEmpty() && messages.getFirst() instanceof SystemMessage ? 1 : 0;
            int turnStart = messages.size();
            for (int i = historyStart; i < messages.size(); i++) {
                ChatMessage m = messages.get(i);
                if (m instanceof ToolExecutionResultMessage
                        || (m instanceof AiMessage ai && ai.hasToolExecutionRequests())) {
                    turnStart = i;
                    break;
                }
            }
            int trigger = Math.max(historyStart, turnStart - 1);
            return new Layout(historyStart, trigger, turnStart);
        }
    }
}
