package dev.minilab.provisioning.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The module variables of one attempt (name → JSON value), sorted by name. Immutable; {@link #with} makes the next
 * attempt's variables from a hypothesis's changes.
 */
public record Variables(SortedMap<String, JsonNode> values) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Variables {
        TreeMap<String, JsonNode> copy = new TreeMap<>();
        Objects.requireNonNull(values, "values").forEach((name, value) ->
                copy.put(Objects.requireNonNull(name, "name"), value == null ? JSON.nullNode() : value.deepCopy()));
        values = Collections.unmodifiableSortedMap(copy);
    }

    public static Variables of(Map<String, JsonNode> values) {
        return new Variables(new TreeMap<>(values));
    }

    /** Builds variables from plain Java values (strings, numbers, booleans, lists, maps). */
    public static Variables ofPlain(Map<String, ?> values) {
        TreeMap<String, JsonNode> nodes = new TreeMap<>();
        values.forEach((name, value) -> nodes.put(name, JSON.valueToTree(value)));
        return new Variables(nodes);
    }

    public Optional<JsonNode> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The value as text ({@code ""} for a missing value; numbers without quotes). */
    public String text(String name) {
        JsonNode value = values.get(name);
        return value == null || value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString();
    }

    /** An integer value, or {@code fallback} when missing or not a whole number. */
    public int integer(String name, int fallback) {
        JsonNode value = values.get(name);
        if (value != null && value.isNumber()) {
            java.math.BigDecimal number = value.decimalValue().stripTrailingZeros();
            return number.scale() <= 0 && value.canConvertToInt() ? number.intValue() : fallback;
        }
        if (value != null && value.isTextual()) {
            try {
                return Integer.parseInt(value.asText().strip());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    /** These variables with {@code changes} applied (a change replaces the whole value of its variable). */
    public Variables with(ChangeSet changes) {
        TreeMap<String, JsonNode> next = new TreeMap<>(values);
        next.putAll(changes.values());
        return new Variables(next);
    }

    /** The variables as one JSON object (the {@code terraform.tfvars.json} body). */
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        values.forEach(node::set);
        return node;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
