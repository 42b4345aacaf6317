package dev.minilab.runtime.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads and writes the message JSON of DESIGN.md section 4.
 *
 * <p>The reader is tolerant: it accepts the original's minimal {@code {"sender","content","timestamp"}} form, ignores
 * unknown fields and fills defaults; it never throws. Anything it cannot turn into a {@link Message} comes back as
 * {@link Decoded.Malformed} with a reason, for the caller to log and skip.
 */
public final class MessageCodec {

    /** Payloads larger than this are refused unread (a bus message is text for humans and models). */
    public static final int MAX_PAYLOAD_CHARS = 1_000_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(MAX_PAYLOAD_CHARS).build());
    }

    private MessageCodec() {
    }

    /** The result of reading one payload. */
    public sealed interface Decoded {
        /** A usable message. */
        record Valid(Message message) implements Decoded { }

        /** Not a message; {@code reason} says why, for the log. */
        record Malformed(String reason) implements Decoded { }
    }

    /** Writes {@code message} as one JSON object. */
    public static String encode(Message message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", message.id());
        node.put("seq", message.seq());
        node.put("sender", message.sender());
        node.put("content", message.content());
        node.put("timestamp", message.timestamp().toString());
        node.put("kind", message.kind().wire());
        ArrayNode to = node.putArray("to");
        message.to().forEach(to::add);
        if (message.epoch() != null) {
            node.put("epoch", message.epoch());
        }
        if (message.signature() != null) {
            node.put("signature", message.signature());
        }
        return node.toString();
    }

    /** Reads one payload; never throws. */
    public static Decoded decode(String payload) {
        if (payload == null || payload.isBlank()) {
            return new Decoded.Malformed("empty payload");
        }
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            return new Decoded.Malformed("payload of " + payload.length() + " chars exceeds " + MAX_PAYLOAD_CHARS);
        }
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (JsonProcessingException | RuntimeException e) {
            return new Decoded.Malformed("not JSON: " + firstLine(e.getMessage()));
        }
        if (!(node instanceof ObjectNode)) {
            return new Decoded.Malformed("not a JSON object");
        }
        try {
            return new Decoded.Valid(read(node, payload));
        } catch (IllegalArgumentException | NullPointerException e) {
            return new Decoded.Malformed(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static Message read(JsonNode node, String payload) {
        String sender = requiredText(node, "sender");
        String content = requiredText(node, "content");
        Instant timestamp = timestamp(node.get("timestamp"));
        String id = optionalText(node, "id");
        if (id == null || id.isBlank()) {
            // The original's messages have no id: derive a stable one so the same payload is handled once.
            id = "legacy-" + UUID.nameUUIDFromBytes(payload.getBytes(StandardCharsets.UTF_8));
        }
        long seq = 0;
        JsonNode seqNode = node.get("seq");
        if (seqNode != null && !seqNode.isNull()) {
            if (!seqNode.canConvertToLong() || !seqNode.isIntegralNumber() || seqNode.asLong() < 0) {
                throw new IllegalArgumentException("field 'seq' must be a non-negative integer");
            }
            seq = seqNode.asLong();
        }
        MessageKind kind = MessageKind.CHAT;
        String kindText = optionalText(node, "kind");
        if (kindText != null) {
            kind = MessageKind.fromWire(kindText)
                    .orElseThrow(() -> new IllegalArgumentException("unknown kind '" + abbreviate(kindText) + "'"));
        }
        if (kind == MessageKind.CHAT && Message.USER.equals(sender) && ControlCommand.parse(content).isPresent()) {
            kind = MessageKind.CONTROL;
        }
        List<String> to = new ArrayList<>();
        JsonNode toNode = node.get("to");
        if (toNode != null && !toNode.isNull()) {
            if (!toNode.isArray()) {
                throw new IllegalArgumentException("field 'to' must be an array of names");
            }
            for (JsonNode item : toNode) {
                if (!item.isTextual() || item.asText().isBlank()) {
                    throw new IllegalArgumentException("field 'to' must hold only non-empty names");
                }
                to.add(item.asText());
            }
        }
        String signature = optionalText(node, "signature");
        String epoch = optionalText(node, "epoch");
        if (signature != null && signature.startsWith("v2")) {
            requireCanonicalWire(node, timestamp, kind, epoch);
        }
        return new Message(id, seq, sender, content, timestamp, kind, to, signature, epoch);
    }

    /**
     * Canonical form v2 signs the values a {@link Message} holds; so a v2 message is read only when its wire strings
     * are exactly those values: the timestamp as {@link Instant#toString()}, the kind in lower case, the epoch an
     * instant in the same form. A rewritten but equivalent spelling ({@code +01:00}, {@code CHAT}) is refused.
     */
    private static void requireCanonicalWire(JsonNode node, Instant timestamp, MessageKind kind, String epoch) {
        JsonNode ts = node.get("timestamp");
        if (ts == null || !ts.isTextual() || !ts.asText().equals(timestamp.toString())) {
            throw new IllegalArgumentException("signed (v2) message whose timestamp is not in canonical form");
        }
        String kindText = optionalText(node, "kind");
        if (kindText == null || !(kindText.equals(kind.wire()) || kindText.equals(MessageKind.CHAT.wire()))) {
            throw new IllegalArgumentException("signed (v2) message whose kind is not in canonical form");
        }
        if (epoch != null) {
            try {
                if (!Instant.parse(epoch).toString().equals(epoch)) {
                    throw new IllegalArgumentException("signed (v2) message whose epoch is not in canonical form");
                }
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("signed (v2) message whose epoch is not an ISO-8601 instant");
            }
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string, got " + value.getNodeType());
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string, got " + value.getNodeType());
        }
        return value.asText();
    }

    private static Instant timestamp(JsonNode value) {
        if (value == null || value.isNull()) {
            return Instant.now();
        }
        if (value.isNumber()) {
            // seconds since the epoch, as Python's time.time() gives
            return Instant.ofEpochMilli((long) (value.asDouble() * 1000));
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field 'timestamp' must be an ISO-8601 string");
        }
        String text = value.asText();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    // Python's datetime.now().isoformat() has no zone: read it as UTC.
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e3) {
                    throw new IllegalArgumentException("field 'timestamp' is not ISO-8601: " + abbreviate(text));
                }
            }
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return abbreviate(newline < 0 ? text : text.substring(0, newline));
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }
}
