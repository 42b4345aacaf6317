package dev.minilab.runtime.loop;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.minilab.runtime.log.Excerpts;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one message that stands for the steps of a turn older than {@link ContextBudget}'s window: one line per tool
 * call (step number, tool name, arguments abbreviated, ok or error with the error's first line) for the newest
 * {@value #MAX_LINES} calls, a count per tool for the calls before them, and, when the turn's latest error is among
 * these steps, that error's text (head and tail, at most {@value #ERROR_CHARS} chars). Its size is bounded whatever
 * the length of the turn, so the prompt of a long turn stops growing.
 */
final class StepDigest {

    /** Calls listed one line each; older calls are only counted. */
    static final int MAX_LINES = 16;
    /** Characters of a call's arguments in its line. */
    static final int ARGUMENT_CHARS = 90;
    /** Characters of the latest error's text. */
    static final int ERROR_CHARS = 1500;
    /** Tool names counted by name in the summary line; the rest are "other tools". */
    private static final int MAX_COUNTED_TOOLS = 8;
    private static final String PREFIX = "[MiniLab: digest of this turn's older steps";

    private StepDigest() {
    }

    /** Whether {@code message} is a digest made by {@link #of}. */
    static boolean isDigest(ChatMessage message) {
        return message instanceof UserMessage user && user.hasSingleText() && user.singleText().startsWith(PREFIX);
    }

    /**
     * The digest of {@code older} (the turn's first steps, each an AI message with tool calls and their results);
     * {@code latestError} is the turn's latest step with an error result (null when none), quoted when it is among
     * {@code older}.
     */
    static ChatMessage of(List<List<ChatMessage>> older, List<ChatMessage> latestError) {
        int calls = 0;
        for (List<ChatMessage> step : older) {
            calls += callsOf(step).size();
        }
        StringBuilder text = new StringBuilder(PREFIX).append(" (steps 1–").append(older.size())
                .append("; their full results are no longer shown). Do not repeat a call blindly: check the current ")
                .append("state instead.]\n");
        int skip = Math.max(0, calls - MAX_LINES);
        Map<String, int[]> counted = new LinkedHashMap<>();
        int seen = 0;
        int errorStep = -1;
        for (int s = 0; s < older.size(); s++) {
            List<ChatMessage> step = older.get(s);
            if (step == latestError) {
                errorStep = s;
            }
            Map<String, String> results = resultsOf(step);
            for (ToolExecutionRequest call : callsOf(step)) {
                String result = results.get(call.id());
                boolean error = isError(result);
                if (seen++ < skip) {
                    String name = counted.size() < MAX_COUNTED_TOOLS || counted.containsKey(call.name())
                            ? call.name() : "other tools";
                    int[] count = counted.computeIfAbsent(name, n -> new int[2]);
                    count[0]++;
                    count[1] += error ? 1 : 0;
                    continue;
                }
                if (!counted.isEmpty()) {
                    text.append("- before step ").append(s + 1).append(": ").append(summary(counted)).append('\n');
                    counted.clear();
                }
                text.append("- step ").append(s + 1).append(": ").append(call.name()).append(' ')
                        .append(abbreviate(call.arguments(), ARGUMENT_CHARS)).append(" → ")
                        .append(result == null ? "no result" : error ? "error: " + firstLine(result) : "ok")
                        .append('\n');
            }
        }
        if (errorStep >= 0) {
            text.append("Latest error (step ").append(errorStep + 1).append("):\n")
                    .append(errorExcerpt(latestError));
        }
        return UserMessage.from(text.toString().stripTrailing());
    }

    /** The turn's latest step whose results include an error, or null. */
    static List<ChatMessage> latestErrorStep(List<List<ChatMessage>> steps) {
        for (int s = steps.size() - 1; s >= 0; s--) {
            for (ChatMessage message : steps.get(s)) {
                if (message instanceof ToolExecutionResultMessage result && isError(result.text())) {
                    return steps.get(s);
                }
            }
        }
        return null;
    }

    /** Each failed call of {@code step}: its name and the head and tail of its result. */
    static String errorExcerpt(List<ChatMessage> step) {
        StringBuilder text = new StringBuilder();
        Map<String, String> results = resultsOf(step);
        for (ToolExecutionRequest call : callsOf(step)) {
            String result = results.get(call.id());
            if (isError(result)) {
                text.append(call.name()).append(' ').append(abbreviate(call.arguments(), ARGUMENT_CHARS)).append(":\n")
                        .append(Excerpts.headAndTail(result, ERROR_CHARS)).append('\n');
            }
        }
        return text.toString();
    }

    /** Whether a rendered tool result ({@code ToolResult.renderForModel}) says ERROR. */
    static boolean isError(String result) {
        return result != null && result.startsWith("status: ERROR");
    }

    private static List<ToolExecutionRequest> callsOf(List<ChatMessage> step) {
        return !step.isEmpty() && step.getFirst() instanceof AiMessage ai && ai.hasToolExecutionRequests()
                ? ai.toolExecutionRequests() : List.of();
    }

    private static Map<String, String> resultsOf(List<ChatMessage> step) {
        Map<String, String> results = new HashMap<>();
        for (ChatMessage message : step) {
            if (message instanceof ToolExecutionResultMessage result) {
                results.put(result.id(), result.text());
            }
        }
        return results;
    }

    private static String summary(Map<String, int[]> counted) {
        StringBuilder text = new StringBuilder();
        counted.forEach((name, count) -> {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(name).append(" ×").append(count[0]);
            if (count[1] > 0) {
                text.append(" (").append(count[1]).append(count[1] == 1 ? " error)" : " errors)");
            }
        });
        return text.toString();
    }

    /** The first output line of a rendered result (after its {@code ---}), at most 120 chars. */
    private static String firstLine(String result) {
        int output = result.indexOf("\n---\n");
        String rest = output < 0 ? result : result.substring(output + 5);
        for (String line : rest.split("\n", 20)) {
            if (!line.isBlank()) {
                return abbreviate(line.strip(), 120);
            }
        }
        return "(no output)";
    }

    private static String abbreviate(String text, int max) {
        String flat = text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }
}
