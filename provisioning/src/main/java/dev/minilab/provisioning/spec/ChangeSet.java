package dev.minilab.provisioning.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The variable changes of one hypothesis, and their normalised form used to recognise a hypothesis tried before:
 * names trimmed, values compared as canonical JSON (strings trimmed, numbers without trailing zeros, numeric strings
 * as numbers, object keys sorted), so {@code {"datastore_id": " local-lvm"}} and {@code {"datastore_id":"local-lvm"}}
 * are the same change set.
 */
public record ChangeSet(SortedMap<String, JsonNode> values) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ChangeSet {
        TreeMap<String, JsonNode> copy = new TreeMap<>();
        values.forEach((name, value) -> copy.put(name.strip(), normalise(value)));
        values = Collections.unmodifiableSortedMap(copy);
    }

    public static ChangeSet of(Map<String, JsonNode> values) {
        return new ChangeSet(new TreeMap<>(values));
    }

    public static ChangeSet ofPlain(Map<String, ?> values) {
        TreeMap<String, JsonNode> nodes = new TreeMap<>();
        values.forEach((name, value) -> nodes.put(name, JSON.valueToTree(value)));
        return new ChangeSet(nodes);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The canonical text of this change set: equal texts mean the same hypothesis. */
    public String normalised() {
        return toJson().toString();
    }

    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        values.forEach(node::set);
        return node;
    }

    /** The changes that really differ from {@code current}. */
    public ChangeSet effectiveAgainst(Variables current) {
        TreeMap<String, JsonNode> differing = new TreeMap<>();
        values.forEach((name, value) -> {
            JsonNode now = current.values().get(name);
            if (now == null || !normalise(now).equals(value)) {
                differing.put(name, value);
            }
        });
        return new ChangeSet(differing);
    }

    @Override
    public String toString() {
        return normalised();
    }

    /** Canonical form of one value (see the class comment). */
    static JsonNode normalise(JsonNode value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null || value.isNull() || value.isMissingNode()) {
            return f.nullNode();
        }
        if (value.isNumber()) {
            return number(canonical(value.decimalValue()));
        }
        if (value.isTextual()) {
            String text = value.asText().strip();
            if (text.matches("-?\\d+(\\.\\d+)?")) {
                return number(canonical(new BigDecimal(text)));
            }
            if (text.toLowerCase(Locale.ROOT).equals("true") || text.toLowerCase(Locale.ROOT).equals("false")) {
                return f.booleanNode(Boolean.parseBoolean(text.toLowerCase(Locale.ROOT)));
            }
            return f.textNode(text);
        }
        if (value.isArray()) {
            var array = f.arrayNode();
            value.forEach(item -> array.add(normalise(item)));
            return array;
        }
        if (value.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), normalise(e.getValue()));
            }
            ObjectNode object = f.objectNode();
            sorted.forEach(object::set);
            return object;
        }
        return value.deepCopy();
    }

    /** Whole numbers as integers (so "2", 2 and 2.0 are one value and stay integers in tfvars). */
    private static JsonNode number(BigDecimal value) {
        if (value.scale() <= 0) {
            try {
                return JsonNodeFactory.instance.numberNode(value.longValueExact());
            } catch (ArithmeticException e) {
                return JsonNodeFactory.instance.numberNode(value);
            }
        }
        return JsonNodeFactory.instance.numberNode(value);
    }

    private static BigDecimal canonical(BigDecimal number) {
        BigDecimal stripped = number.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
