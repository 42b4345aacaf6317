package dev.minilab.runtime.bus;

import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.config.MiniLabConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How a {@code rediss://} connection proves who the broker is and, for mutual TLS, who we are (issue 13).
 *
 * @param caFile   PEM file with the certificate(s) of the CA that signed the broker's certificate; null = the JVM's
 *                 default trust store (a broker with a publicly trusted certificate, e.g. a managed Redis)
 * @param certFile PEM client certificate (chain) for mutual TLS; null = no client certificate
 * @param keyFile  PEM (PKCS#8, unencrypted) private key of {@code certFile}; set exactly when certFile is
 * @param insecure skip verifying the broker's certificate and host name (REDIS_TLS_INSECURE=true; warned at connect)
 */
public record RedisTls(Path caFile, Path certFile, Path keyFile, boolean insecure) {

    /** No TLS settings: a {@code rediss://} URL then verifies the broker against the JVM's default trust store. */
    public static final RedisTls DEFAULTS = new RedisTls(null, null, null, false);

    public RedisTls {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("certFile and keyFile go together (mutual TLS), got " + certFile
                    + " and " + keyFile);
        }
    }

    /** Whether a client certificate is presented (mutual TLS). */
    public boolean mutual() {
        return certFile != null;
    }

    /**
     * Reads REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE and REDIS_TLS_INSECURE (paths relative to the
     * workspace). They need a TLS URL ({@code rediss://} or {@code rediss-sentinel://}) in REDIS_URL.
     *
     * @throws ConfigException naming the variable when a file is unreadable, one of cert/key is missing, the flag
     *                         is not true/false, or TLS settings are given for a plain-text URL
     */
    public static RedisTls fromConfig(MiniLabConfig config) {
        Path ca = readableFile(config, "REDIS_TLS_CA_FILE");
        Path cert = readableFile(config, "REDIS_TLS_CERT_FILE");
        Path key = readableFile(config, "REDIS_TLS_KEY_FILE");
        boolean insecure = flag(config, "REDIS_TLS_INSECURE");
        if (cert != null && key == null) {
            throw ConfigException.missing("REDIS_TLS_KEY_FILE", "REDIS_TLS_CERT_FILE is set, so mutual TLS needs the "
                    + "client certificate's private key (PEM, PKCS#8) as well");
        }
        if (key != null && cert == null) {
            throw ConfigException.missing("REDIS_TLS_CERT_FILE", "REDIS_TLS_KEY_FILE is set, so mutual TLS needs the "
                    + "client certificate (PEM) as well");
        }
        RedisTls tls = new RedisTls(ca, cert, key, insecure);
        Optional<String> setting = tls.equals(DEFAULTS) ? Optional.empty()
                : Optional.of(ca != null ? "REDIS_TLS_CA_FILE" : cert != null ? "REDIS_TLS_CERT_FILE"
                        : "REDIS_TLS_INSECURE");
        if (setting.isPresent() && !RedisEndpoints.isTls(config.redisUri())) {
            throw ConfigException.invalid(setting.get(), config.get(setting.get(), ""), "a TLS broker: set REDIS_URL "
                    + "to rediss://host:port (or rediss-sentinel://…) — the TLS settings do nothing for "
                    + config.redisAddress());
        }
        return tls;
    }

    private static Path readableFile(MiniLabConfig config, String name) {
        if (config.get(name).isEmpty()) {
            return null;
        }
        Path path = config.path(name, "");
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw ConfigException.invalid(name, config.get(name).get(), "a readable PEM file (" + path
                    + " is missing or unreadable)");
        }
        return path;
    }

    private static boolean flag(MiniLabConfig config, String name) {
        String value = config.get(name, "false").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw ConfigException.invalid(name, value, "true or false");
        };
    }
}
