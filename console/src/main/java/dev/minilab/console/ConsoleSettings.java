package dev.minilab.console;

import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.RedisTls;
import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.discipline.DisciplineSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The console's configuration: the team's {@link MiniLabConfig} plus two console-only switches.
 *
 * @param config     Redis, workspace and history window (DESIGN.md section 3)
 * @param forcePlain {@code MINILAB_CONSOLE_PLAIN=1|true|yes}: plain output even on a terminal
 * @param noColor    {@code NO_COLOR} set to anything non-empty (no-color.org): a terminal console without colours
 * @param connectWait {@code REDIS_CONNECT_WAIT_SECONDS} (default {@value #DEFAULT_CONNECT_WAIT_SECONDS}): how long
 *                    the console keeps retrying its first Redis connection; 0 tries once
 */
public record ConsoleSettings(MiniLabConfig config, boolean forcePlain, boolean noColor, Duration connectWait) {

    /** How long connecting and each Redis command may take before the console reports Redis unreachable. */
    public static final Duration REDIS_TIMEOUT = Duration.ofSeconds(5);
    /** The variable naming how long the first connection is retried. */
    public static final String CONNECT_WAIT_VARIABLE = "REDIS_CONNECT_WAIT_SECONDS";
    /** Default of {@value #CONNECT_WAIT_VARIABLE}: Redis loading its AOF on a busy machine fits in it. */
    public static final int DEFAULT_CONNECT_WAIT_SECONDS = 60;
    private static final int MAX_CONNECT_WAIT_SECONDS = 3600;

    public ConsoleSettings {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(connectWait, "connectWait");
    }

    /** Reads the settings from the merged environment; throws ConfigException naming a malformed variable. */
    public static ConsoleSettings from(Map<String, String> env, Path currentDir) {
        MiniLabConfig config = MiniLabConfig.from(env, currentDir);
        DisciplineSettings.fromEnv(config.env()); // MINILAB_MODE, LLM_PRICES, MAX_*: fail at start when malformed
        RedisTls.fromConfig(config); // REDIS_TLS_*: fail at start when a file is missing
        String plain = config.get("MINILAB_CONSOLE_PLAIN", "").toLowerCase(Locale.ROOT);
        return new ConsoleSettings(config, plain.equals("1") || plain.equals("true") || plain.equals("yes"),
                config.get("NO_COLOR").isPresent(), connectWait(config.get(CONNECT_WAIT_VARIABLE, "").strip()));
    }

    private static Duration connectWait(String value) {
        if (value.isEmpty()) {
            return Duration.ofSeconds(DEFAULT_CONNECT_WAIT_SECONDS);
        }
        if (value.matches("[0-9]{1,4}") && Integer.parseInt(value) <= MAX_CONNECT_WAIT_SECONDS) {
            return Duration.ofSeconds(Integer.parseInt(value));
        }
        throw ConfigException.invalid(CONNECT_WAIT_VARIABLE, value,
                "whole seconds from 0 (one attempt) to " + MAX_CONNECT_WAIT_SECONDS);
    }

    /** The team's guardrails as the agents read them from the same .env (mode, prices, limits). */
    public DisciplineSettings guardrails() {
        return DisciplineSettings.fromEnv(config.env());
    }

    public Path workspace() {
        return config.workspace();
    }

    /** Where Redis is, for messages (never the password). */
    public String redisEndpoint() {
        return config.redisAddress();
    }

    /** How the console's bus connects. */
    public BusSettings busSettings() {
        return BusSettings.from(config, config.busKeys(), REDIS_TIMEOUT);
    }

    @Override
    public String toString() {
        return "ConsoleSettings[redis=" + redisEndpoint() + ", workspace=" + workspace() + "]";
    }
}
