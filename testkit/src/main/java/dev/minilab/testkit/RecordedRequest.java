package dev.minilab.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One chat-completions request as the scripted server received it.
 *
 * @param index      0-based arrival order on the server
 * @param receivedAt arrival time
 * @param role       the agent role from the system message's first line {@code You are <Role>.}, or null
 * @param model      the requested model, or null
 * @param stream     whether {@code "stream": true} was asked
 * @param messages   the conversation as sent
 * @param toolNames  names of the tools offered ({@code tools[].function.name})
 * @param body       the parsed JSON body (do not modify)
 * @param bodyText   the raw body
 * @param headers    request headers, names in lower case
 */
public record RecordedRequest(int index, Instant receivedAt, String role, String model, boolean stream,
                              List<Message> messages, List<String> toolNames, JsonNode body, String bodyText,
                              Map<String, List<String>> headers) {

    public RecordedRequest {
        messages = List.copyOf(messages);
        toolNames = List.copyOf(toolNames);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(bodyText, "bodyText");
        headers = Map.copyOf(headers);
    }

    /**
     * One message of the conversation.
     *
     * @param role       system, user, assistant or tool
     * @param content    text content (parts of a multi-part content joined by newlines), or null
     * @param toolCalls  tool calls of an assistant message, possibly empty
     * @param toolCallId for a tool message, the id of the call it answers, else null
     */
    public record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
        public Message {
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /** A tool call the client sent back inside an assistant message. */
    public record ToolCall(String id, String name, String arguments) {
    }

    /** Returns the last message, or null if there is none. */
    public Message lastMessage() {
        return messages.isEmpty() ? null : messages.getLast();
    }

    /** Returns the content of the first message when its role is system, else null. */
    public String systemPrompt() {
        return !messages.isEmpty() && "system".equals(messages.getFirst().role()) ? messages.getFirst().content()
                : null;
    }

    /** Returns the messages with this role, in order. */
    public List<Message> messagesWithRole(String messageRole) {
        return messages.stream().filter(message -> messageRole.equals(message.role())).toList();
    }

    /** Returns whether {@code text} occurs anywhere in the raw body (as JSON-escaped text) or in any message. */
    public boolean containsText(String text) {
        return bodyText.contains(text) || messages.stream()
                .anyMatch(message -> message.content() != null && message.content().contains(text));
    }

    /** Returns the first value of a request header (name case-insensitive), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** Returns a one-line summary for error messages: index, role and the start of the last message. */
    public String summary() {
        Message last = lastMessage();
        String lastText = last == null ? "(no messages)" : last.role() + ": " + abbreviate(last.content());
        return "#" + index + " role=" + role + " last message " + lastText;
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "(no content)";
        }
        String flat = text.replace('\n', ' ');
        return flat.length() <= 160 ? "'" + flat + "'" : "'" + flat.substring(0, 160) + "...'";
    }
}
