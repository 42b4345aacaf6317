package dev.minilab.runtime.loop;

import dev.langchain4j.model.output.TokenUsage;
import dev.minilab.runtime.tools.ToolResult;

/**
 * What a turn reports while it runs: think notes (never published on the team channel), tool calls for the
 * execution log, long-running tool progress, and token usage.
 */
public interface TurnListener {

    /** Model reasoning or a step note: goes to the agent's log and {@code agent_think} only. */
    void think(String text);

    /** A finished tool call. */
    void toolCalled(String tool, String arguments, ToolResult result);

    /** A tool is still running after {@code seconds} (published as a status line). */
    void stillRunning(String tool, long seconds);

    /** Token usage of one LLM response. */
    void usage(String model, TokenUsage usage);

    /** A listener that ignores everything (tests). */
    TurnListener NONE = new TurnListener() {
        @Override
        public void think(String text) {
        }

        @Override
        public void toolCalled(String tool, String arguments, ToolResult result) {
        }

        @Override
        public void stillRunning(String tool, long seconds) {
        }

        @Override
        public void usage(String model, TokenUsage usage) {
        }
    };
}
