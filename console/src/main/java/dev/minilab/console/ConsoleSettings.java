package dev.minilab.console;

import dev.minilab.runtime.config.ConfigException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The console's configuration, built from the environment map (process env merged with {@code .env}).
 *
 * @param redisHost      REDIS_HOST (default localhost), or the host of REDIS_URL
 * @param redisPort      REDIS_PORT (default 6379), or the port of REDIS_URL
 * @param redisPassword  REDIS_PASSWORD, null when none
 * @param redisUrl       REDIS_URL as given, null when not set (it wins over host/port/password)
 * @param workspace      MINILAB_WORKSPACE, else the current directory
 * @param historyWindow  HISTORY_WINDOW (default 80)
 * @param forcePlain     MINILAB_CONSOLE_PLAIN=1|true: plain output even on a terminal
 * @param noColor        NO_COLOR set (any value): no colours on a terminal
 */
public record ConsoleSettings(String redisHost, int redisPort, String redisPassword, String redisUrl, Path workspace,
                              int historyWindow, boolean forcePlain, boolean noColor) {

    public ConsoleSettings {
        Objects.requireNonNull(redisHost, "redisHost");
        Objects.requireNonNull(workspace, "workspace");
    }

    /** Reads the settings; throws {@link ConfigException} naming the variable on a malformed value. */
    public static ConsoleSettings from(Map<String, String> env, Path currentDir) {
        String url = blankToNull(env.get("REDIS_URL"));
        String host = env.getOrDefault("REDIS_HOST", "localhost");
        int port = intIn(env, "REDIS_PORT", 6379, 1, 65535);
        if (url != null) {
            try {
                io.lettuce.core.RedisURI uri = io.lettuce.core.RedisURI.create(url);
                host = uri.getHost();
                port = uri.getPort();
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid("REDIS_URL", url.replaceAll("://[^@/]*@", "://***@"),
                        "redis://[:password@]host:port[/db]");
            }
        }
        String ws = blankToNull(env.get("MINILAB_WORKSPACE"));
        Path workspace = ws == null ? currentDir : currentDir.resolve(ws);
        return new ConsoleSettings(host, port, blankToNull(env.get("REDIS_PASSWORD")), url,
                workspace.toAbsolutePath().normalize(), intIn(env, "HISTORY_WINDOW", 80, 1, 100_000),
                truthy(env.get("MINILAB_CONSOLE_PLAIN")), env.containsKey("NO_COLOR"));
    }

    /** {@code host:port} for messages. */
    public String redisEndpoint() {
        return redisHost + ":" + redisPort;
    }

    /** The Lettuce URI (password included, never printed). */
    public io.lettuce.core.RedisURI redisUri() {
        if (redisUrl != null) {
            return io.lettuce.core.RedisURI.create(redisUrl);
        }
        io.lettuce.core.RedisURI.Builder b = io.lettuce.core.RedisURI.builder().withHost(redisHost).withPort(redisPort);
        if (redisPassword != null) {
            b.withPassword(redisPassword.toCharArray());
        }
        return b.build();
    }

    private static int intIn(Map<String, String> env, String name, int def, int min, int max) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(name, v, "a whole number from " + min + " to " + max);
    }

    private static boolean truthy(String v) {
        return v != null && (v.equals("1") || v.toLowerCase(Locale.ROOT).equals("true") || v.toLowerCase(Locale.ROOT).equals("yes"));
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v;
    }

    @Override
    public String toString() {
        return "ConsoleSettings[redis=" + redisEndpoint() + ", workspace=" + workspace + "]";
    }
}
