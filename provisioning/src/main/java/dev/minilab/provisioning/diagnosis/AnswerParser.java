package dev.minilab.provisioning.diagnosis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.provisioning.spec.ChangeSet;
import dev.minilab.runtime.llm.InlineReasoning;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a diagnosis answer against its schema:
 * {@code {"cause": non-empty string, "changes": {<module variable>: string|number|boolean|null|list of those}}}
 * with at least one change and no other fields. A fenced {@code ```json} block is accepted; prose is not. Reasoning
 * a local model wrote inline ({@code <think>…</think>}, see {@link InlineReasoning}) is not part of the answer.
 */
public final class AnswerParser {

    /** A parsed answer, or why it is not valid (the text the retry shows the model). */
    public sealed interface Parsed permits Valid, Rejected { }

    public record Valid(Hypothesis hypothesis) implements Parsed { }

    public record Rejected(String reason) implements Parsed { }

    private static final ObjectMapper JSON = new ObjectMapper();

    private AnswerParser() {
    }

    public static Parsed parse(String answer, Set<String> allowed) {
        String text = InlineReasoning.split(answer).visible();
        if (text.startsWith("```")) {
            int firstLineEnd = text.indexOf('\n');
            int closing = text.lastIndexOf("```");
            if (firstLineEnd > 0 && closing > firstLineEnd) {
                text = text.substring(firstLineEnd + 1, closing).strip();
            }
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return new Rejected("the answer is not JSON (" + e.getOriginalMessage() + "); answer with one JSON object "
                    + "only, no prose");
        }
        if (root == null || !root.isObject()) {
            return new Rejected("the answer must be one JSON object {\"cause\": ..., \"changes\": {...}}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("cause") && !field.equals("changes")) {
                return new Rejected("unexpected field '" + field + "'; the object has exactly two fields, cause and "
                        + "changes");
            }
        }
        JsonNode cause = root.get("cause");
        if (cause == null || !cause.isTextual() || cause.asText().isBlank()) {
            return new Rejected("'cause' must be a non-empty string saying what is wrong");
        }
        JsonNode changes = root.get("changes");
        if (changes == null || !changes.isObject() || changes.isEmpty()) {
            return new Rejected("'changes' must be an object with at least one module variable and its new value");
        }
        TreeMap<String, JsonNode> values = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = changes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey().strip();
            if (!allowed.contains(name)) {
                return new Rejected("'" + name + "' is not a variable of the module; change only these: "
                        + new TreeSet<>(allowed));
            }
            if (!scalarOrList(e.getValue())) {
                return new Rejected("the value of '" + name + "' must be a string, number, boolean, null or a list of "
                        + "those");
            }
            values.put(name, e.getValue());
        }
        return new Valid(new Hypothesis(cause.asText().strip(), new ChangeSet(values)));
    }

    private static boolean scalarOrList(JsonNode value) {
        if (value.isValueNode()) {
            return true;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isValueNode()) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
