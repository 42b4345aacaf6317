package dev.minilab.runtime.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * MiniLab's settings (DESIGN.md section 3), built from a map of environment variables.
 *
 * <p>Nothing here reads the process environment: {@code main} merges the process env over {@code .env} (see
 * {@link #load}) and passes the map in. Unknown or malformed values fail at once with one line naming the variable
 * and what is expected.
 */
public final class MiniLabConfig {

    public static final String DEFAULT_API_BASE = "https://api.openai.com/v1";
    public static final String DEFAULT_MODEL = "gpt-5-mini";

    private final Map<String, String> env;
    private final Path workspace;

    private MiniLabConfig(Map<String, String> env, Path workspace) {
        this.env = Map.copyOf(env);
        this.workspace = workspace;
        // Validate everything now so that a typo fails at start-up, not in the middle of a task.
        redisUri();
        redisFailoverWait();
        llmTimeout();
        llmMaxRetries();
        maxSteps();
        historyWindow();
        busKeys();
        apiBase();
        logLevel();
    }

    /**
     * Builds the config from {@code env}. The workspace is {@code MINILAB_WORKSPACE}, else {@code currentDir}.
     */
    public static MiniLabConfig from(Map<String, String> env, Path currentDir) {
        String ws = env.get("MINILAB_WORKSPACE");
        Path workspace;
        try {
            workspace = (ws == null || ws.isBlank() ? currentDir : Path.of(ws)).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw ConfigException.invalid("MINILAB_WORKSPACE", ws, "a directory path");
        }
        return new MiniLabConfig(env, workspace);
    }

    /**
     * Merges the process environment over the {@code .env} file in {@code dir} (the process env wins).
     * This is the only place that combines them; it is called from the mains.
     */
    public static Map<String, String> load(Map<String, String> processEnv, Path dir) {
        Path file = dir.resolve(".env");
        Map<String, String> dotEnv = DotEnv.read(file);
        KnownSettings.check(dotEnv, file.toString());
        Map<String, String> merged = new HashMap<>(dotEnv);
        merged.putAll(processEnv);
        return merged;
    }

    /** Every variable, for the redactor and for building scrubbed child environments. */
    public Map<String, String> env() {
        return env;
    }

    public Optional<String> get(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    public Path workspace() {
        return workspace;
    }

    /** The REDIS_URL schemes MiniLab accepts (Lettuce's): plain, TLS, and Sentinel (plain or TLS). */
    private static final java.util.List<String> REDIS_SCHEMES = java.util.List.of("redis", "rediss", "redis-sentinel",
            "rediss-sentinel");
    private static final String REDIS_URL_FORMS = "redis://host:port, rediss://host:port (TLS) or "
            + "redis-sentinel://host:26379[,host:port…]#mastername (credentials as user:password@ after //)";

    /**
     * The broker URI. REDIS_URL wins over REDIS_HOST/REDIS_PORT: {@code redis://}, {@code rediss://} (TLS),
     * {@code redis-sentinel://} and {@code rediss-sentinel://} with the master name after {@code #}. Credentials in the
     * URL win; a URL without them takes REDIS_USERNAME and the password from REDIS_PASSWORD or, in its place, the
     * first line of the file REDIS_PASSWORD_FILE (how Compose and Kubernetes hand each process only its own ACL
     * user's password, docs/DOCKER.md) — so one URL can be shared by every process while each logs in as itself.
     */
    public String redisUri() {
        Optional<String> user = get("REDIS_USERNAME");
        Optional<String> password = redisPassword();
        if (user.isPresent() && password.isEmpty()) {
            throw ConfigException.invalid("REDIS_USERNAME", user.get(), "REDIS_PASSWORD to be set as well (an ACL "
                    + "user logs in with a password)");
        }
        // URLEncoder is form encoding; a URI's user info wants %20 for a space, not '+'.
        String auth = password.map(p -> user.map(MiniLabConfig::encode).orElse("") + ":" + encode(p) + "@")
                .orElse("");
        Optional<String> url = get("REDIS_URL");
        if (url.isPresent()) {
            String value = url.get();
            int start = value.indexOf("://");
            String scheme = start < 0 ? "" : value.substring(0, start).toLowerCase(Locale.ROOT);
            if (!REDIS_SCHEMES.contains(scheme)) {
                throw ConfigException.invalid("REDIS_URL", redisAddress(), REDIS_URL_FORMS);
            }
            String rest = value.substring(start + 3);
            int authorityEnd = indexOfAny(rest, "/?#");
            boolean hasCredentials = rest.substring(0, authorityEnd).contains("@");
            String full = hasCredentials ? value : value.substring(0, start + 3) + auth + rest;
            if (scheme.endsWith("-sentinel") && (!rest.contains("#") || rest.endsWith("#"))) {
                throw ConfigException.invalid("REDIS_URL", redisAddress(), "the master name after # in a Sentinel URL "
                        + "(the name of 'sentinel monitor'): " + REDIS_URL_FORMS);
            }
            try {
                io.lettuce.core.RedisURI parsed = io.lettuce.core.RedisURI.create(full);
                if (scheme.endsWith("-sentinel") && (parsed.getSentinelMasterId() == null
                        || parsed.getSentinelMasterId().isBlank())) {
                    throw ConfigException.invalid("REDIS_URL", redisAddress(), "the master name after # in a "
                            + "Sentinel URL: " + REDIS_URL_FORMS);
                }
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid("REDIS_URL", redisAddress(), REDIS_URL_FORMS + " (" + e.getMessage()
                        .replaceAll("//[^@/]*@", "//") + ")");
            }
            return full;
        }
        String host = get("REDIS_HOST", "localhost");
        int port = intValue("REDIS_PORT", 6379, 1, 65535);
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "redis://" + auth + hostPart + ":" + port;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    /**
     * REDIS_FAILOVER_WAIT_SECONDS: how long a publish that failed on the connection waits for the broker, or for the
     * master Sentinel promotes, to answer before it fails. Default 60 s with a Sentinel URL (Sentinel's own default
     * {@code down-after-milliseconds} is 30 s, then the election and promotion), else 10 s (a restart).
     */
    public Duration redisFailoverWait() {
        boolean sentinel = get("REDIS_URL").map(u -> u.toLowerCase(Locale.ROOT).matches("rediss?-sentinel://.*"))
                .orElse(false);
        return Duration.ofSeconds(intValue("REDIS_FAILOVER_WAIT_SECONDS", sentinel ? 60 : 10, 1, 3600));
    }

    private Optional<String> redisPassword() {
        Optional<String> password = get("REDIS_PASSWORD");
        Optional<String> file = get("REDIS_PASSWORD_FILE");
        if (file.isEmpty()) {
            return password;
        }
        if (password.isPresent()) {
            throw ConfigException.invalid("REDIS_PASSWORD_FILE", file.get(), "REDIS_PASSWORD to be unset (set one of "
                    + "the two)");
        }
        String content;
        try {
            content = Files.readString(workspace.resolve(file.get()), StandardCharsets.UTF_8).strip();
        } catch (IOException | InvalidPathException e) {
            throw ConfigException.invalid("REDIS_PASSWORD_FILE", file.get(), "a readable file holding the Redis "
                    + "password (" + e.getClass().getSimpleName() + ")");
        }
        if (content.isEmpty() || content.contains("\n")) {
            throw ConfigException.invalid("REDIS_PASSWORD_FILE", file.get(), "a file holding the Redis password on "
                    + "one line");
        }
        return Optional.of(content);
    }

    /** Where the broker is, for messages (no password). */
    public String redisAddress() {
        return get("REDIS_URL").map(u -> u.replaceAll("//[^@/]*@", "//")).orElseGet(
                () -> get("REDIS_HOST", "localhost") + ":" + get("REDIS_PORT", "6379"));
    }

    public String apiBase() {
        String base = get("OPENAI_API_BASE", DEFAULT_API_BASE);
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw ConfigException.invalid("OPENAI_API_BASE", base, "an http(s) URL such as https://api.openai.com/v1");
        }
        return base;
    }

    /** MINILAB_LOG_LEVEL: one of {@link KnownSettings#LOG_LEVELS} (any case), default INFO. */
    public String logLevel() {
        String level = get("MINILAB_LOG_LEVEL", "INFO");
        if (!KnownSettings.LOG_LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
            throw ConfigException.invalid("MINILAB_LOG_LEVEL", level, "one of " + String.join(", ", KnownSettings.LOG_LEVELS));
        }
        return level.toUpperCase(Locale.ROOT);
    }

    public Optional<String> apiKey() {
        return get("OPENAI_API_KEY");
    }

    /** The model for {@code role}: {@code LLM_MODEL_<ROLE>} (e.g. LLM_MODEL_DEVOPS_BUILDER), else LLM_MODEL. */
    public String modelFor(String role) {
        return get("LLM_MODEL_" + role.toUpperCase(Locale.ROOT)).orElseGet(() -> get("LLM_MODEL", DEFAULT_MODEL));
    }

    public Duration llmTimeout() {
        return Duration.ofSeconds(intValue("LLM_TIMEOUT_SECONDS", 120, 1, 3600));
    }

    public int llmMaxRetries() {
        return intValue("LLM_MAX_RETRIES", 2, 0, 10);
    }

    public int maxSteps() {
        return intValue("MAX_STEPS", 100, 1, 10_000);
    }

    /** CONTEXT_WINDOW_STEPS: the last ReAct steps of a turn sent whole; older ones go into one digest (issue 12). */
    public int contextWindowSteps() {
        return intValue("CONTEXT_WINDOW_STEPS", dev.minilab.runtime.loop.ContextBudget.DEFAULT_WINDOW_STEPS, 1, 10_000);
    }

    public int historyWindow() {
        return intValue("HISTORY_WINDOW", 80, 1, 10_000);
    }

    /**
     * The team's Redis key and channel names: {@code MINILAB_KEY_PREFIX} before each (empty: the standard names).
     * Several teams share one Redis with one prefix each (docs/DEPLOY.md).
     */
    public dev.minilab.runtime.bus.BusKeys busKeys() {
        String prefix = get("MINILAB_KEY_PREFIX", "").strip();
        try {
            return new dev.minilab.runtime.bus.BusKeys(prefix);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("MINILAB_KEY_PREFIX", prefix, "up to 64 letters, digits, '_', '-' or ':' "
                    + "(no glob characters or spaces), not starting with 'agent_', e.g. blue:");
        }
    }

    /** An integer variable within [min, max], or the default when unset. */
    public int intValue(String name, int defaultValue, int min, int max) {
        Optional<String> text = get(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value < min || value > max) {
                throw ConfigException.invalid(name, text.get(), "an integer from " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(name, text.get(), "an integer from " + min + " to " + max);
        }
    }

    /** A path variable, resolved against the workspace when relative. */
    public Path path(String name, String defaultValue) {
        String text = get(name, defaultValue);
        try {
            Path path = Path.of(text);
            return path.isAbsolute() ? path.normalize() : workspace.resolve(path).normalize();
        } catch (InvalidPathException e) {
            throw ConfigException.invalid(name, text, "a file path");
        }
    }
}
