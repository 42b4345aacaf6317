package dev.minilab.runtime.bus;

import dev.minilab.runtime.config.MiniLabConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the broker and how much history to keep.
 *
 * @param redisUri       e.g. {@code redis://:password@localhost:6379}, {@code rediss://…} (TLS) or
 *                       {@code redis-sentinel://host:26379,host:26380#mymaster}
 * @param historyWindow  messages kept in {@code chat_history} (and shown to agents)
 * @param keys           key and channel names
 * @param commandTimeout how long one Redis command may take before it fails
 * @param tls            CA, client certificate and verification for a TLS URI ({@link RedisTls#DEFAULTS} otherwise)
 * @param failoverWait   how long a publish that failed on the connection keeps waiting for the broker (or a newly
 *                       promoted master) to answer before it gives up; at least {@code commandTimeout}
 * @param sentinelPassword the password of the sentinels of a Sentinel URI (REDIS_SENTINEL_PASSWORD); null = they
 *                       need none (the URI's own credentials are for the master and replicas only)
 */
public record BusSettings(String redisUri, int historyWindow, BusKeys keys, Duration commandTimeout, RedisTls tls,
                          Duration failoverWait, String sentinelPassword) {

    public static final int DEFAULT_HISTORY_WINDOW = 80;
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

    public BusSettings {
        Objects.requireNonNull(redisUri, "redisUri");
        if (historyWindow < 1) {
            throw new IllegalArgumentException("historyWindow must be at least 1, got " + historyWindow);
        }
        keys = keys == null ? BusKeys.DEFAULT : keys;
        commandTimeout = commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : commandTimeout;
        tls = tls == null ? RedisTls.DEFAULTS : tls;
        failoverWait = failoverWait == null || failoverWait.compareTo(commandTimeout) < 0 ? commandTimeout
                : failoverWait;
    }

    /** Plain settings: default TLS material, publishes wait one command timeout for the broker. */
    public BusSettings(String redisUri, int historyWindow, BusKeys keys, Duration commandTimeout) {
        this(redisUri, historyWindow, keys, commandTimeout, RedisTls.DEFAULTS, null, null);
    }

    public static BusSettings of(String redisUri) {
        return new BusSettings(redisUri, DEFAULT_HISTORY_WINDOW, BusKeys.DEFAULT, DEFAULT_COMMAND_TIMEOUT);
    }

    /**
     * The settings a main builds from its config: the broker URI (REDIS_URL or REDIS_HOST/…), HISTORY_WINDOW, the TLS
     * files ({@link RedisTls#fromConfig}) and REDIS_FAILOVER_WAIT_SECONDS.
     *
     * @throws dev.minilab.runtime.config.ConfigException when one of them is malformed
     */
    public static BusSettings from(MiniLabConfig config, BusKeys keys, Duration commandTimeout) {
        return new BusSettings(config.redisUri(), config.historyWindow(), keys, commandTimeout,
                RedisTls.fromConfig(config), config.redisFailoverWait(),
                config.get("REDIS_SENTINEL_PASSWORD").orElse(null));
    }

    public BusSettings withHistoryWindow(int window) {
        return new BusSettings(redisUri, window, keys, commandTimeout, tls, failoverWait, sentinelPassword);
    }

    public BusSettings withKeys(BusKeys newKeys) {
        return new BusSettings(redisUri, historyWindow, newKeys, commandTimeout, tls, failoverWait, sentinelPassword);
    }

    public BusSettings withTls(RedisTls newTls) {
        return new BusSettings(redisUri, historyWindow, keys, commandTimeout, newTls, failoverWait, sentinelPassword);
    }

    public BusSettings withFailoverWait(Duration wait) {
        return new BusSettings(redisUri, historyWindow, keys, commandTimeout, tls, wait, sentinelPassword);
    }

    public BusSettings withSentinelPassword(String password) {
        return new BusSettings(redisUri, historyWindow, keys, commandTimeout, tls, failoverWait, password);
    }

    @Override
    public String toString() {
        // The URI may carry a password: never print it.
        return "BusSettings[redis=" + redisUri.replaceAll("//[^@/]*@", "//") + ", historyWindow=" + historyWindow
                + ", keys=" + keys + ", commandTimeout=" + commandTimeout + ", tls=" + tls + ", failoverWait="
                + failoverWait + ", sentinelPassword=" + (sentinelPassword == null ? "none" : "set") + "]";
    }
}
