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
 * Keeps every LLM request short: a fixed window of recent steps, and within {@code CONTEXT_BUDGET_TOKENS} (LESSONS
 * row 15). A request is the system prompt (with the pinned User requests), the history, the triggering message and
 * the turn's steps so far (each step: the model's tool calls and their results).
 *
 * <p>Window ({@code CONTEXT_WINDOW_STEPS}, issue 12): only the last {@code windowSteps} steps are sent whole; the
 * older ones become one digest message before them, built by {@link StepDigest} (one line per older call, at most
 * {@value StepDigest#MAX_LINES} lines, the rest counted per tool; the latest error's text whole), so a long turn's
 * prompt stops growing. A tool call and its result are never split.
 *
 * <p>Budget: when the request is still over budget, in this order until it fits:
 * <ol>
 *   <li>results of steps older than the last {@value #KEEP_FULL_STEPS} shrink to one line each, oldest first;</li>
 *   <li>history goes, oldest first;</li>
 *   <li>whole old steps go (a tool call and its result always together), oldest first, and a one-line note says
 *       how many went;</li>
 *   <li>the results of the last steps but the newest shrink too.</li>
 * </ol>
 * The system prompt, the trigger, the digest and the newest step always stay; if they alone are over budget the
 * request is sent as it is, with a warning. The step with the latest error keeps its result whole until the last
 * phase. The turn's own list is never changed: {@link #fit} returns what to send this time.
 */
public final class ContextBudget {

    /** Steps at the end of a turn whose results are kept whole as long as possible. */
    public static final int KEEP_FULL_STEPS = 2;
    /** Steps of a turn sent whole by default (CONTEXT_WINDOW_STEPS). */
    public static final int DEFAULT_WINDOW_STEPS = 12;
    private static final Logger LOG = LoggerFactory.getLogger(ContextBudget.class);

    private final int maxTokens;
    private final int windowSteps;
    private final TokenEstimator tokens;

    /** As {@link #ContextBudget(int, int, TokenEstimator)} with {@link #DEFAULT_WINDOW_STEPS}. */
    public ContextBudget(int maxTokens, TokenEstimator tokens) {
        this(maxTokens, DEFAULT_WINDOW_STEPS, tokens);
    }

    /**
     * @param maxTokens   the budget of one request (messages and tool definitions)
     * @param windowSteps the last steps of a turn sent whole; older ones go into the digest
     */
    public ContextBudget(int maxTokens, int windowSteps, TokenEstimator tokens) {
        if (maxTokens < 1 || windowSteps < 1) {
            throw new IllegalArgumentException("maxTokens and windowSteps must be positive");
        }
        this.maxTokens = maxTokens;
        this.windowSteps = windowSteps;
        this.tokens = tokens;
    }

    /** A budget that never trims and no window (tests and callers without a budget). */
    public static ContextBudget unbounded() {
        return new ContextBudget(Integer.MAX_VALUE, Integer.MAX_VALUE, new TokenEstimator());
    }

    public int windowSteps() {
        return windowSteps;
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
    public List<ChatMessage> fit(List<ChatMessage> turn, List<ToolSpecification> tools) {
        List<ChatMessage> messages = window(turn);
        if (maxTokens == Integer.MAX_VALUE) {
            return messages;
        }
        // Most requests are far below the budget: prove it without classifying every char (issue 12).
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
        List<ChatMessage> latestError = StepDigest.latestErrorStep(steps);

        // 1. old results to one line, oldest first (the latest error's stay whole)
        for (int s = 0; s < steps.size() - KEEP_FULL_STEPS && total > budget; s++) {
            if (steps.get(s) != latestError) {
                total -= shrink(steps.get(s));
            }
        }
        // 2. history, oldest first
        while (!history.isEmpty() && total > budget) {
            total -= tokens.count(history.removeFirst());
        }
        // 3. whole old steps (calls with their results), oldest first
        int dropped = 0;
        ChatMessage note = null;
        String droppedError = null;
        while (steps.size() > KEEP_FULL_STEPS && total > budget) {
            List<ChatMessage> gone = steps.removeFirst();
            total -= tokens.count(gone);
            if (gone == latestError) {
                droppedError = StepDigest.errorExcerpt(gone);
            }
            dropped++;
            if (note != null) {
                total -= tokens.count(note);
            }
            note = droppedNote(dropped, droppedError);
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

    private static ChatMessage droppedNote(int steps, String latestError) {
        return UserMessage.from("[MiniLab: the " + steps + " oldest tool step(s) shown of this turn were removed to "
                + "fit CONTEXT_BUDGET_TOKENS. Do not repeat them blindly: check the current state instead.]"
                + (latestError == null ? "" : "\nThe latest error among them: " + latestError));
    }

    /**
     * Returns {@code messages} with the turn's steps before the last {@link #windowSteps} replaced by one digest
     * message ({@link StepDigest}); {@code messages} itself when the turn has no more steps than the window.
     */
    List<ChatMessage> window(List<ChatMessage> messages) {
        if (windowSteps == Integer.MAX_VALUE) {
            return messages;
        }
        Layout layout = Layout.of(messages);
        int stepCount = 0;
        for (int i = layout.turnStart(); i < messages.size(); i++) {
            if (messages.get(i) instanceof AiMessage) {
                stepCount++;
            }
        }
        if (stepCount <= windowSteps) {
            return messages;
        }
        List<List<ChatMessage>> steps = steps(messages.subList(layout.turnStart(), messages.size()));
        List<List<ChatMessage>> older = steps.subList(0, steps.size() - windowSteps);
        List<ChatMessage> windowed = new ArrayList<>(messages.subList(0, layout.turnStart()));
        windowed.add(StepDigest.of(older, StepDigest.latestErrorStep(steps)));
        for (List<ChatMessage> step : steps.subList(steps.size() - windowSteps, steps.size())) {
            windowed.addAll(step);
        }
        return windowed;
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
            if (trigger > historyStart && StepDigest.isDigest(messages.get(trigger))) {
                trigger--; // the digest of older steps belongs to the trigger's part: it stays with it
            }
            return new Layout(historyStart, trigger, turnStart);
        }
    }
}
