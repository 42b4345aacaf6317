package dev.minilab.runtime.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names a {@code .env} file may hold: every variable of {@code .env.template}, the few documented elsewhere, the
 * per-role families ({@code LLM_MODEL_<ROLE>}, {@code METRICS_PORT_<ROLE>}) and Docker Compose's own
 * ({@code COMPOSE_*}, {@code DOCKER_*}), since Compose reads the same file. Anything else is a typo that would
 * otherwise be ignored in silence ({@code MAX_STEP=5}), so it stops the process with a did-you-mean.
 */
public final class KnownSettings {

    /** Every variable of {@code .env.template} (a test keeps the two in step). */
    static final Set<String> TEMPLATE = Set.of(
            "ANSIBLE_PLAYBOOK_BIN", "ANSIBLE_TIMEOUT_SECONDS", "APPROVER", "COMPOSE_PROFILES", "CONTEXT_BUDGET_TOKENS",
            "CONTEXT_WINDOW_STEPS",
            "GRAFANA_ADMIN_PASSWORD", "GRAFANA_PORT", "HISTORY_WINDOW", "LLM_MAX_RETRIES", "LLM_MODEL",
            "LLM_MODEL_ARCHITECT_ZERO", "LLM_MODEL_DEVOPS_BUILDER", "LLM_MODEL_QA_TESTER", "LLM_MODEL_SECURITY_SENTINEL",
            "LLM_PRICES", "LLM_TIMEOUT_SECONDS", "MAX_COST_USD", "MAX_HOPS", "MAX_STEPS", "MAX_TOKENS", "METRICS_HOST",
            "METRICS_PORT", "METRICS_PORT_QA_TESTER", "MINILAB_ACCEPT_V1_SIGNATURES", "MINILAB_GID",
            "MINILAB_JAVA_OPTS", "MINILAB_KEYS_DIR", "MINILAB_KEY_PREFIX", "MINILAB_LOG_LEVEL", "MINILAB_MODE",
            "MINILAB_PRIVATE_KEY", "MINILAB_PROMPTS", "MINILAB_PUBLIC_KEYS", "MINILAB_REDACT_VARS",
            "MINILAB_REQUIRE_SIGNATURES", "MINILAB_SANDBOX", "MINILAB_SECCOMP_PROFILE", "MINILAB_SIZING", "MINILAB_UID",
            "MINILAB_VERSION", "MINILAB_WORKSPACE", "OPENAI_API_BASE", "OPENAI_API_KEY", "PM_API_URL", "PM_CA_FILE",
            "PM_TIMEOUT_SECONDS", "PM_TLS_INSECURE", "PM_TOKEN_ID", "PM_TOKEN_SECRET", "PROMETHEUS_PORT",
            "PROVISION_APPROVAL_TIMEOUT_SECONDS", "PROVISION_MAX_RETRIES", "PROVISION_MODEL", "PROVISION_SSH_WAIT_SECONDS", "PUSHGATEWAY_URL", "REDIS_CONNECT_WAIT_SECONDS", "REDIS_FAILOVER_WAIT_SECONDS", "REDIS_HOST",
            "REDIS_PASSWORD", "REDIS_PASSWORD_FILE", "REDIS_PORT", "REDIS_SENTINEL_PASSWORD", "REDIS_TLS_CA_FILE", "REDIS_TLS_CERT_FILE", "REDIS_TLS_INSECURE", "REDIS_TLS_KEY_FILE", "REDIS_URL", "REDIS_USERNAME", "SHELL_TIMEOUT_SECONDS", "SSH_AGENT_SOCK",
            "SSH_ALLOWED_HOSTS", "SSH_CONNECT_TIMEOUT_SECONDS", "SSH_KEY_DIR", "SSH_KEY_NAME", "SSH_KEY_PATH",
            "SSH_KNOWN_HOSTS", "SSH_TIMEOUT_SECONDS", "SSH_USER", "TERRAFORM_BIN", "TERRAFORM_TIMEOUT_SECONDS",
            "TOOL_OUTPUT_CAP", "WEB_ALLOWED_HOSTS", "WEB_TIMEOUT_SECONDS");

    /** Read by MiniLab but documented in the README or docs/ rather than the template. */
    static final Set<String> OTHERS = Set.of("AGENT_ROLE", "MINILAB_CONSOLE_PLAIN", "MINILAB_HEALTH_FILE",
            "MINILAB_HOME", "NO_COLOR");

    private static final Pattern FAMILIES = Pattern.compile("(LLM_MODEL|METRICS_PORT)_[A-Z][A-Z0-9_]*|(COMPOSE|DOCKER)_[A-Z0-9_]+");

    /** The log levels {@code MINILAB_LOG_LEVEL} accepts (logback's). */
    public static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private KnownSettings() {
    }

    /** Whether {@code name} is a setting MiniLab (or Docker Compose) reads. */
    public static boolean isKnown(String name) {
        return TEMPLATE.contains(name) || OTHERS.contains(name) || FAMILIES.matcher(name).matches();
    }

    /**
     * Fails on the first name of {@code dotEnv} (read from {@code source}) that is not a known setting, with the
     * nearest known name when one is close.
     */
    public static void check(Map<String, String> dotEnv, String source) {
        for (String name : dotEnv.keySet()) {
            if (!isKnown(name)) {
                throw new ConfigException.Malformed(source + ": " + name + " is not a MiniLab setting"
                        + suggestion(name).map(s -> " (did you mean " + s + "?)").orElse("")
                        + "; fix or remove it (every setting is in .env.template)");
            }
        }
    }

    /** The known name nearest to {@code name}, when it is close enough to be a typo of it. */
    public static Optional<String> suggestion(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return java.util.stream.Stream.concat(TEMPLATE.stream(), OTHERS.stream())
                .map(known -> Map.entry(known, distance(upper, known)))
                .filter(e -> e.getValue() <= Math.max(2, e.getKey().length() / 4))
                .min(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
