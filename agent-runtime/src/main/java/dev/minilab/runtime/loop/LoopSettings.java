package dev.minilab.runtime.loop;

/**
 * Limits of one ReAct turn.
 *
 * @param maxSteps                LLM calls per turn (MAX_STEPS)
 * @param maxConsecutiveFailures  failed tool calls in a row before the agent escalates
 * @param repeatLimit             identical calls (same tool, arguments and result) before the loop guard answers
 * @param toolOutputChars         characters of a tool result the model sees (head and tail kept)
 * @param offerFinishTool         whether the model gets the {@code finish_task} tool (Architect_Zero)
 */
public record LoopSettings(int maxSteps, int maxConsecutiveFailures, int repeatLimit, int toolOutputChars,
                           boolean offerFinishTool) {

    public static final int DEFAULT_MAX_STEPS = 100;
    public static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;
    public static final int DEFAULT_REPEAT_LIMIT = 3;
    public static final int DEFAULT_TOOL_OUTPUT_CHARS = 12_000;

    public LoopSettings {
        if (maxSteps < 1 || maxConsecutiveFailures < 1 || repeatLimit < 2 || toolOutputChars < 200) {
            throw new IllegalArgumentException("loop limits out of range: maxSteps=" + maxSteps
                    + ", maxConsecutiveFailures=" + maxConsecutiveFailures + ", repeatLimit=" + repeatLimit
                    + ", toolOutputChars=" + toolOutputChars);
        }
    }

    public static LoopSettings defaults(int maxSteps, boolean offerFinishTool) {
        return new LoopSettings(maxSteps, DEFAULT_MAX_CONSECUTIVE_FAILURES, DEFAULT_REPEAT_LIMIT,
                DEFAULT_TOOL_OUTPUT_CHARS, offerFinishTool);
    }
}
