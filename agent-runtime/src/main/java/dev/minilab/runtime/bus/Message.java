package dev.minilab.runtime.bus;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One message on the team bus (DESIGN.md section 4).
 *
 * @param id        unique id (UUID); receivers handle each id at most once
 * @param seq       position in the conversation, assigned by Redis {@code INCR chat_seq} at publish time; 0 = not yet
 * @param sender    {@value #USER} or a role name
 * @param content   the text
 * @param timestamp when the sender created it
 * @param kind      chat, control or status
 * @param to        explicit recipients; empty means "route by the @-mentions in the content"
 * @param signature Base64 Ed25519 signature by the sender (prefixed {@code v2:} or {@code v2s:} for the canonical form
 *                  v2), or null when the team runs unsigned
 * @param epoch     the session the sender was in: the timestamp of the User's last CLEAR (ISO-8601), or null before
 *                  the first CLEAR; signed, so a message from before a CLEAR cannot be replayed after it
 */
public record Message(String id, long seq, String sender, String content, Instant timestamp, MessageKind kind,
                      List<String> to, String signature, String epoch) {

    /** The sender name of the human at the console. */
    public static final String USER = "User";

    public Message {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("message id must not be blank");
        }
        if (seq < 0) {
            throw new IllegalArgumentException("message seq must not be negative: " + seq);
        }
        if (sender == null || sender.isBlank()) {
            throw new IllegalArgumentException("message sender must not be blank");
        }
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(kind, "kind");
        to = to == null ? List.of() : List.copyOf(to);
    }

    /** A message without an epoch (before the first CLEAR, or from a sender that does not know epochs). */
    public Message(String id, long seq, String sender, String content, Instant timestamp, MessageKind kind,
                   List<String> to, String signature) {
        this(id, seq, sender, content, timestamp, kind, to, signature, null);
    }

    /** A new chat message routed by the @-mentions in its content. */
    public static Message chat(String sender, String content) {
        return new Message(newId(), 0, sender, content, Instant.now(), MessageKind.CHAT, List.of(), null);
    }

    /** A new chat message for explicit recipients only (its mentions route nobody else). */
    public static Message chatTo(String sender, String content, List<String> recipients) {
        return new Message(newId(), 0, sender, content, Instant.now(), MessageKind.CHAT, recipients, null);
    }

    /** A new User control message (STOP or CLEAR). */
    public static Message control(ControlCommand command) {
        return new Message(newId(), 0, USER, command.name(), Instant.now(), MessageKind.CONTROL, List.of(), null);
    }

    /** A new status line; triggers nobody. */
    public static Message status(String sender, String text) {
        return new Message(newId(), 0, sender, text, Instant.now(), MessageKind.STATUS, List.of(), null);
    }

    /** Returns the control command this message carries: a User message whose whole content is STOP or CLEAR. */
    public Optional<ControlCommand> controlCommand() {
        if (!USER.equals(sender) || kind == MessageKind.STATUS) {
            return Optional.empty();
        }
        return ControlCommand.parse(content);
    }

    public boolean isFromUser() {
        return USER.equals(sender);
    }

    public Message withSeq(long newSeq) {
        return new Message(id, newSeq, sender, content, timestamp, kind, to, signature, epoch);
    }

    public Message withTo(List<String> recipients) {
        return new Message(id, seq, sender, content, timestamp, kind, recipients, signature, epoch);
    }

    public Message withContent(String newContent) {
        return new Message(id, seq, sender, newContent, timestamp, kind, to, signature, epoch);
    }

    public Message withSignature(String newSignature) {
        return new Message(id, seq, sender, content, timestamp, kind, to, newSignature, epoch);
    }

    public Message withEpoch(String newEpoch) {
        return new Message(id, seq, sender, content, timestamp, kind, to, signature, newEpoch);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
