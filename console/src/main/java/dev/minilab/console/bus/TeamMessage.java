package dev.minilab.console.bus;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One message on the team channel as the console sees it.
 *
 * <p>The console keeps its own view of a bus message so that rendering and commands do not depend on the
 * runtime's wire type; {@link ConsoleBus} implementations translate.
 *
 * @param id        unique id, may be empty for the original minimal 3-field form
 * @param seq       sequence number from {@code chat_seq}; 0 when unknown
 * @param sender    {@code User} or a role name
 * @param content   the text, never null
 * @param timestamp when the sender made the message
 * @param kind      chat, control or status
 * @param to        addressed roles (may be empty)
 */
public record TeamMessage(String id, long seq, String sender, String content, Instant timestamp, Kind kind,
                          List<String> to) {

    /** What a message is for: chat triggers agents, control halts them, status only informs. */
    public enum Kind { CHAT, CONTROL, STATUS }

    public TeamMessage {
        id = id == null ? "" : id;
        Objects.requireNonNull(sender, "sender");
        content = content == null ? "" : content;
        timestamp = timestamp == null ? Instant.now() : timestamp;
        kind = kind == null ? Kind.CHAT : kind;
        to = to == null ? List.of() : List.copyOf(to);
    }

    /** A chat message with no addressing, for tests and fakes. */
    public static TeamMessage chat(String sender, String content) {
        return new TeamMessage("", 0, sender, content, Instant.now(), Kind.CHAT, List.of());
    }

    /** A status message (e.g. "halted"), for tests and fakes. */
    public static TeamMessage status(String sender, String content) {
        return new TeamMessage("", 0, sender, content, Instant.now(), Kind.STATUS, List.of());
    }
}
