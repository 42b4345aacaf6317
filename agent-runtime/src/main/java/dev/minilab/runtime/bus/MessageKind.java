package dev.minilab.runtime.bus;

import java.util.Locale;
import java.util.Optional;

/** What a message on {@code agent_channel} is for. Only {@link #CHAT} messages can trigger an agent. */
public enum MessageKind {
    /** Conversation between the user and the agents; routed by @-mentions. */
    CHAT,
    /** A User command (STOP, CLEAR) every agent obeys; triggers no turn. */
    CONTROL,
    /** A progress or state line (halted, restarted, "terraform apply running, 42 s"); triggers nobody. */
    STATUS;

    /** The wire form: lower case. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form, case-insensitively. */
    public static Optional<MessageKind> fromWire(String text) {
        for (MessageKind kind : values()) {
            if (kind.wire().equalsIgnoreCase(text)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
