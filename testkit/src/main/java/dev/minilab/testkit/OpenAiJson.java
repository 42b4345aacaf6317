package dev.minilab.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads OpenAI chat-completions requests and writes responses and errors in the shape the real API uses. */
final class OpenAiJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern ROLE_LINE = Pattern.compile("^You are ([^\\s.]+)\\.");

    private OpenAiJson() {
    }

    /** Parses a request body (which must be a JSON object) into a recorded request. */
    static RecordedRequest parseRequest(int index, String bodyText, Map<String, List<String>> headers)
            throws JsonProcessingException {
        JsonNode body = MAPPER.readTree(bodyText);
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the request body is not a JSON object");
        }
        List<RecordedRequest.Message> messages = new ArrayList<>();
        for (JsonNode node : body.path("messages")) {
            List<RecordedRequest.ToolCall> calls = new ArrayList<>();
            for (JsonNode call : node.path("tool_calls")) {
                calls.add(new RecordedRequest.ToolCall(text(call.get("id")), text(call.path("function").get("name")),
                        text(call.path("function").get("arguments"))));
            }
            messages.add(new RecordedRequest.Message(text(node.get("role")), content(node.get("content")), calls,
                    text(node.get("tool_call_id"))));
        }
        List<String> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            String name = text(tool.path("function").get("name"));
            if (name != null) {
                tools.add(name);
            }
        }
        String role = null;
        if (!messages.isEmpty() && "system".equals(messages.getFirst().role())
                && messages.getFirst().content() != null) {
            Matcher matcher = ROLE_LINE.matcher(messages.getFirst().content().lines().findFirst().orElse(""));
            role = matcher.find() ? matcher.group(1) : null;
        }
        return new RecordedRequest(index, Instant.now(), role, text(body.get("model")),
                body.path("stream").asBoolean(false), messages, tools, body, bodyText, headers);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String content(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode part : node) {
                if (part.has("text")) {
                    parts.add(part.get("text").asText());
                }
            }
            return String.join("\n", parts);
        }
        return node.asText();
    }

    /** Writes a non-streaming chat completion for {@code reply}, echoing the request's model. */
    static String completion(RecordedRequest request, Reply.Completion reply, String id, IntSupplier nextCallNumber) {
        ObjectNode message = MAPPER.createObjectNode();
        message.put("role", "assistant");
        message.put("content", reply.text());
        if (reply.reasoning() != null) {
            message.put("reasoning_content", reply.reasoning());
        }
        int completionChars = length(reply.text()) + length(reply.reasoning());
        if (!reply.toolCalls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (Reply.ToolCall call : reply.toolCalls()) {
                ObjectNode node = calls.addObject();
                node.put("id", "call_" + nextCallNumber.getAsInt());
                node.put("type", "function");
                node.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
                completionChars += call.name().length() + call.argumentsJson().length();
            }
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", id);
        root.put("object", "chat.completion");
        root.put("created", Instant.now().getEpochSecond());
        root.put("model", request.model() == null ? ScriptedLlmServer.DEFAULT_MODEL : request.model());
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", reply.effectiveFinishReason());
        Reply.Usage usage = reply.usage() != null ? reply.usage()
                : new Reply.Usage(estimate(request.bodyText().length()), estimate(completionChars));
        root.putObject("usage")
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens());
        return root.toString();
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    private static int estimate(int chars) {
        return Math.max(1, (chars + 3) / 4);
    }

    /** Writes {@code {"error":{"message","type","param","code"}}} with the type OpenAI uses for the status. */
    static String error(int status, String message, String code) {
        ObjectNode error = MAPPER.createObjectNode();
        ObjectNode body = error.putObject("error");
        body.put("message", message);
        body.put("type", switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        });
        body.putNull("param");
        if (code == null) {
            body.putNull("code");
        } else {
            body.put("code", code);
        }
        return error.toString();
    }

    /** Writes the {@code GET /v1/models} list. */
    static String models(List<String> ids) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : ids) {
            data.addObject().put("id", id).put("object", "model").put("created", 1_700_000_000L)
                    .put("owned_by", "minilab-testkit");
        }
        return root.toString();
    }
}
