package dev.minilab.runtime.bus;

import java.util.Locale;
import java.util.Optional;

/** The User's commands to the whole team. */
public enum ControlCommand {
    /** Cancel in-flight work, drain queues, stay idle until the next User message. */
    STOP,
    /** STOP, then wipe the conversation history and every agent's in-memory state. */
    CLEAR;

    /** Returns the command when {@code content} is exactly STOP or CLEAR (case-insensitive, surrounding blanks ignored). */
    public static Optional<ControlCommand> parse(String content) {
        if (content == null) {
            return Optional.empty();
        }
        String trimmed = content.strip().toUpperCase(Locale.ROOT);
        for (ControlCommand command : values()) {
            if (command.name().equals(trimmed)) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }
}
