package dev.minilab.runtime.bus;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the broker and how much history to keep.
 *
 * @param redisUri       e.g. {@code redis://:password@localhost:6379}
 * @param historyWindow  messages kept in {@code chat_history} (and shown to agents)
 * @param keys           key and channel names
 * @param commandTimeout how long one Redis command may take before it fails
 */
public record BusSettings(String redisUri, int historyWindow, BusKeys keys, Duration commandTimeout) {

    public static final int DEFAULT_HISTORY_WINDOW = 80;
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

    public BusSettings {
        Objects.requireNonNull(redisUri, "redisUri");
        if (historyWindow < 1) {
            throw new IllegalArgumentException("historyWindow must be at least 1, got " + historyWindow);
        }
        keys = keys == null ? BusKeys.DEFAULT : keys;
        commandTimeout = commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : commandTimeout;
    }

    public static BusSettings of(String redisUri) {
        return new BusSettings(redisUri, DEFAULT_HISTORY_WINDOW, BusKeys.DEFAULT, DEFAULT_COMMAND_TIMEOUT);
    }

    public BusSettings withHistoryWindow(int window) {
        return new BusSettings(redisUri, window, keys, commandTimeout);
    }

    public BusSettings withKeys(BusKeys newKeys) {
        return new BusSettings(redisUri, historyWindow, newKeys, commandTimeout);
    }
}
