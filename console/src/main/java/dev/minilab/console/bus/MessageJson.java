package dev.minilab.console.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The wire form of DESIGN.md §4, read tolerantly (minimal 3-field form accepted, unknown fields ignored). */
final class MessageJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MessageJson() {
    }

    static String write(TeamMessage m) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", m.id());
        node.put("seq", m.seq());
        node.put("sender", m.sender());
        node.put("content", m.content());
        node.put("timestamp", m.timestamp().toString());
        node.put("kind", m.kind().name().toLowerCase(Locale.ROOT));
        ArrayNode to = node.putArray("to");
        m.to().forEach(to::add);
        return node.toString();
    }

    /** Parses a payload; empty when it is not a message (no sender or no content). */
    static Optional<TeamMessage> read(String payload) {
        try {
            JsonNode node = JSON.readTree(payload);
            if (node == null || !node.isObject() || !node.hasNonNull("sender") || !node.has("content")) {
                return Optional.empty();
            }
            Instant ts = Instant.now();
            if (node.hasNonNull("timestamp")) {
                try {
                    ts = Instant.parse(node.get("timestamp").asText());
                } catch (DateTimeParseException e) {
                    ts = Instant.now();
                }
            }
            TeamMessage.Kind kind = switch (node.path("kind").asText("chat").toLowerCase(Locale.ROOT)) {
                case "control" -> TeamMessage.Kind.CONTROL;
                case "status" -> TeamMessage.Kind.STATUS;
                default -> TeamMessage.Kind.CHAT;
            };
            List<String> to = new ArrayList<>();
            node.path("to").forEach(t -> to.add(t.asText()));
            return Optional.of(new TeamMessage(node.path("id").asText(""), node.path("seq").asLong(0),
                    node.get("sender").asText(), node.path("content").asText(""), ts, kind, to));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Parses a think payload {@code {sender, content}}; empty when malformed. */
    static Optional<String[]> readThink(String payload) {
        try {
            JsonNode node = JSON.readTree(payload);
            if (node == null || !node.isObject()) {
                return Optional.empty();
            }
            return Optional.of(new String[] {node.path("sender").asText("?"), node.path("content").asText("")});
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
