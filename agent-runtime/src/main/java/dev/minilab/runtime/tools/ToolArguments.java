package dev.minilab.runtime.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON object a model passed to a tool, with typed accessors that fail with a message the model can act on.
 */
public final class ToolArguments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode node;

    private ToolArguments(ObjectNode node) {
        this.node = node;
    }

    /** Parses the raw arguments string; an empty string is an empty object. */
    public static ToolArguments parse(String json) {
        if (json == null || json.isBlank()) {
            return new ToolArguments(JsonNodeFactory.instance.objectNode());
        }
        try {
            JsonNode parsed = JSON.readTree(json);
            if (parsed instanceof ObjectNode object) {
                return new ToolArguments(object);
            }
            throw new ToolArgumentException("arguments must be a JSON object, got: " + abbreviate(json));
        } catch (JsonProcessingException e) {
            throw new ToolArgumentException("arguments are not valid JSON (" + e.getOriginalMessage()
                    + "); send a JSON object such as {\"path\": \"docs/plan.md\"}");
        }
    }

    /** Wraps an already-built object (tests, internal callers). */
    public static ToolArguments of(Map<String, ?> values) {
        return new ToolArguments(JSON.valueToTree(values));
    }

    public String requireString(String name) {
        return optionalString(name).orElseThrow(
                () -> new ToolArgumentException("missing required argument '" + name + "' (a string)"));
    }

    public Optional<String> optionalString(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isValueNode()) {
            return Optional.of(value.asText());
        }
        throw new ToolArgumentException("argument '" + name + "' must be a string, got " + value.getNodeType());
    }

    public boolean optionalBoolean(String name, boolean defaultValue) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual() && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.asText());
        }
        throw new ToolArgumentException("argument '" + name + "' must be true or false");
    }

    public Optional<Integer> optionalInt(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.canConvertToInt() && value.isIntegralNumber()) {
            return Optional.of(value.intValue());
        }
        if (value.isTextual()) {
            try {
                return Optional.of(Integer.parseInt(value.asText().trim()));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new ToolArgumentException("argument '" + name + "' must be an integer");
    }

    /** A list of strings; a single string is accepted as a one-element list, a missing value as empty. */
    public List<String> optionalStringList(String name) {
        JsonNode value = node.get(name);
        List<String> items = new ArrayList<>();
        if (value == null || value.isNull()) {
            return items;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isValueNode()) {
                    throw new ToolArgumentException("argument '" + name + "' must be a list of strings");
                }
                items.add(item.asText());
            }
            return items;
        }
        if (value.isValueNode()) {
            items.add(value.asText());
            return items;
        }
        throw new ToolArgumentException("argument '" + name + "' must be a list of strings");
    }

    /** A flat object of string values (e.g. extra_vars); nested values are kept as their JSON text. */
    public Map<String, String> optionalStringMap(String name) {
        JsonNode value = node.get(name);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return map;
        }
        if (!value.isObject()) {
            throw new ToolArgumentException("argument '" + name + "' must be a JSON object of names to values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode v = entry.getValue();
            map.put(entry.getKey(), v.isValueNode() ? v.asText() : v.toString());
        }
        return map;
    }

    /** The raw JSON node of one argument, for tools with structured input. */
    public Optional<JsonNode> raw(String name) {
        return Optional.ofNullable(node.get(name));
    }

    /** Canonical JSON text of all arguments (stable key order as given), for logs and loop detection. */
    public String toJson() {
        return node.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    @Override
    public String toString() {
        return toJson();
    }
}
