package dev.minilab.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What the scripted server answers: a chat completion or an HTTP error. */
public sealed interface Reply permits Reply.Completion, Reply.HttpError {

    /** Returns an assistant message with {@code text} and finish_reason "stop". */
    static Completion text(String text) {
        Objects.requireNonNull(text, "text");
        return new Completion(text, List.of(), null, null, null);
    }

    /** Returns an assistant message calling one tool; finish_reason "tool_calls". */
    static Completion toolCall(String name, String argumentsJson) {
        return toolCalls(ToolCall.of(name, argumentsJson));
    }

    /** Returns an assistant message calling several tools at once; ids are generated as {@code call_<n>}. */
    static Completion toolCalls(ToolCall... calls) {
        if (calls.length == 0) {
            throw new IllegalArgumentException("toolCalls needs at least one call");
        }
        return new Completion(null, List.of(calls), null, null, null);
    }

    /** Returns an HTTP error with an OpenAI-style error body, e.g. {@code httpError(429, "Rate limit reached")}. */
    static HttpError httpError(int status, String message) {
        return new HttpError(status, message, Map.of());
    }

    /** One tool call in a reply; arguments are sent verbatim (malformed JSON is allowed, for fault tests). */
    record ToolCall(String name, String argumentsJson) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(argumentsJson, "argumentsJson");
        }

        public static ToolCall of(String name, String argumentsJson) {
            return new ToolCall(name, argumentsJson);
        }
    }

    /** Token counts reported in the {@code usage} object. */
    record Usage(int promptTokens, int completionTokens) {
        public Usage {
            if (promptTokens < 0 || completionTokens < 0) {
                throw new IllegalArgumentException("token counts must not be negative");
            }
        }

        public int totalTokens() {
            return promptTokens + completionTokens;
        }
    }

    /**
     * A chat completion.
     *
     * @param text         the message content, or null (tool calls only)
     * @param toolCalls    tool calls, possibly empty
     * @param reasoning    {@code reasoning_content}, or null
     * @param usage        reported usage, or null for an estimate (about 4 characters per token, never zero)
     * @param finishReason explicit finish_reason, or null for "tool_calls" when there are calls, else "stop"
     */
    record Completion(String text, List<ToolCall> toolCalls, String reasoning, Usage usage, String finishReason)
            implements Reply {

        public Completion {
            toolCalls = List.copyOf(toolCalls);
            if (text == null && toolCalls.isEmpty()) {
                throw new IllegalArgumentException("a completion needs text or tool calls");
            }
        }

        /** Returns a copy with this content next to the tool calls. */
        public Completion withText(String value) {
            return new Completion(value, toolCalls, reasoning, usage, finishReason);
        }

        /** Returns a copy that also calls {@code name}. */
        public Completion withToolCall(String name, String argumentsJson) {
            List<ToolCall> calls = new ArrayList<>(toolCalls);
            calls.add(ToolCall.of(name, argumentsJson));
            return new Completion(text, calls, reasoning, usage, finishReason);
        }

        /** Returns a copy with {@code reasoning_content} set (as DeepSeek and vLLM send it). */
        public Completion withReasoning(String value) {
            return new Completion(text, toolCalls, value, usage, finishReason);
        }

        /** Returns a copy reporting exactly these token counts. */
        public Completion withUsage(int promptTokens, int completionTokens) {
            return new Completion(text, toolCalls, reasoning, new Usage(promptTokens, completionTokens),
                    finishReason);
        }

        /** Returns a copy with this finish_reason, e.g. "length" for a truncated answer. */
        public Completion withFinishReason(String value) {
            return new Completion(text, toolCalls, reasoning, usage, value);
        }

        /** Returns the finish_reason sent. */
        public String effectiveFinishReason() {
            if (finishReason != null) {
                return finishReason;
            }
            return toolCalls.isEmpty() ? "stop" : "tool_calls";
        }
    }

    /**
     * An HTTP error answered with {@code {"error":{"message":..., "type":..., "code":...}}}.
     *
     * @param status  HTTP status, 400..599
     * @param message the error message
     * @param headers extra response headers, e.g. Retry-After
     */
    record HttpError(int status, String message, Map<String, String> headers) implements Reply {
        public HttpError {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be 400..599, got " + status);
            }
            Objects.requireNonNull(message, "message");
            headers = Map.copyOf(headers);
        }

        /** Returns a copy that also sends this response header. */
        public HttpError withHeader(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new HttpError(status, message, copy);
        }
    }
}
