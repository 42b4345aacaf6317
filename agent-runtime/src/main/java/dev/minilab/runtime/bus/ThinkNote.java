package dev.minilab.runtime.bus;

import java.time.Instant;
import java.util.Objects;

/**
 * Internal reasoning or a step note of one agent. Goes to channel {@code agent_think} only: never to
 * {@code agent_channel}, never into any agent's context.
 */
public record ThinkNote(String sender, String content, Instant timestamp) {

    public ThinkNote {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
