package dev.minilab.provisioning.pipeline;

import dev.minilab.runtime.config.ConfigException;
import java.time.Duration;
import java.util.Map;

/**
 * The pipeline's settings.
 *
 * @param maxRetries DIAGNOSING → RUNNING transitions allowed per run ({@code PROVISION_MAX_RETRIES}, default 3)
 * @param sshWait    how long VALIDATING waits for a new host to answer SSH ({@code PROVISION_SSH_WAIT_SECONDS},
 *                   default 120)
 */
public record PipelineSettings(int maxRetries, Duration sshWait) {

    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Duration DEFAULT_SSH_WAIT = Duration.ofSeconds(120);

    public PipelineSettings {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0");
        }
    }

    public static PipelineSettings defaults() {
        return new PipelineSettings(DEFAULT_MAX_RETRIES, DEFAULT_SSH_WAIT);
    }

    /** @throws ConfigException naming the variable when a value is malformed */
    public static PipelineSettings fromEnv(Map<String, String> env) {
        return new PipelineSettings(integer(env, "PROVISION_MAX_RETRIES", DEFAULT_MAX_RETRIES, 0, 20),
                Duration.ofSeconds(integer(env, "PROVISION_SSH_WAIT_SECONDS", (int) DEFAULT_SSH_WAIT.toSeconds(), 0,
                        3600)));
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(name, text, "a whole number from " + min + " to " + max);
    }
}
