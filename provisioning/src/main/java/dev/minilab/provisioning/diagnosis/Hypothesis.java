package dev.minilab.provisioning.diagnosis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minilab.provisioning.spec.ChangeSet;
import java.util.Objects;

/** The model's answer: what is wrong, and which variables to change to what. */
public record Hypothesis(String cause, ChangeSet changes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Hypothesis {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(changes, "changes");
    }

    /** {@code {"cause": …, "changes": {…}}} as in the eval JSON. */
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("cause", cause);
        node.set("changes", changes.toJson());
        return node;
    }

    @Override
    public String toString() {
        return cause + " → " + changes.normalised();
    }
}
