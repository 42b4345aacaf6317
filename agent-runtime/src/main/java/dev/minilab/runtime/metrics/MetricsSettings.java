package dev.minilab.runtime.metrics;

import dev.minilab.runtime.config.ConfigException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Where one agent's metrics go (docs/OBSERVABILITY.md).
 *
 * @param port        the {@code /metrics} port: {@code METRICS_PORT_<ROLE>}, else {@code METRICS_PORT + index}
 *                    (index 0..3 = Architect_Zero, DevOps_Builder, Security_Sentinel, QA_Tester); empty = no server
 * @param host        the address it listens on ({@code METRICS_HOST}, default 0.0.0.0 so Prometheus in Docker can
 *                    scrape it)
 * @param pushGateway {@code PUSHGATEWAY_URL}, or null for no push
 */
public record MetricsSettings(OptionalInt port, String host, String pushGateway) {

    public static final String DEFAULT_HOST = "0.0.0.0";

    /**
     * Reads METRICS_PORT, METRICS_PORT_&lt;ROLE&gt;, METRICS_HOST and PUSHGATEWAY_URL for {@code role}.
     *
     * @param index the role's place in the team order (0..3)
     * @throws ConfigException naming the malformed variable
     */
    public static MetricsSettings fromEnv(Map<String, String> env, String role, int index) {
        String own = "METRICS_PORT_" + role.toUpperCase(Locale.ROOT);
        OptionalInt port = OptionalInt.empty();
        if (isSet(env, own)) {
            port = OptionalInt.of(port(env, own, 0));
        } else if (isSet(env, "METRICS_PORT")) {
            port = OptionalInt.of(port(env, "METRICS_PORT", index));
        }
        String host = isSet(env, "METRICS_HOST") ? env.get("METRICS_HOST").strip() : DEFAULT_HOST;
        String push = null;
        if (isSet(env, "PUSHGATEWAY_URL")) {
            push = env.get("PUSHGATEWAY_URL").strip();
            try {
                URI uri = URI.create(push);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw ConfigException.invalid("PUSHGATEWAY_URL", push, "an http(s) URL such as "
                            + "http://pushgateway:9091");
                }
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid("PUSHGATEWAY_URL", push, "an http(s) URL such as http://pushgateway:9091");
            }
        }
        return new MetricsSettings(port, host, push);
    }

    private static boolean isSet(Map<String, String> env, String name) {
        return env.get(name) != null && !env.get(name).isBlank();
    }

    private static int port(Map<String, String> env, String name, int offset) {
        String text = env.get(name).strip();
        try {
            int base = Integer.parseInt(text);
            if (base >= 1 && base + offset <= 65535) {
                return base + offset;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(name, text, "a port from 1 to " + (65535 - offset)
                + (offset > 0 ? " (agent " + offset + " listens on it + " + offset + ")" : ""));
    }
}
