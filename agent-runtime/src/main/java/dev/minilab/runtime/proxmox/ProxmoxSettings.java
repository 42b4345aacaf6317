package dev.minilab.runtime.proxmox;

import dev.minilab.runtime.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach the Proxmox VE API: {@code PM_API_URL}, {@code PM_TOKEN_ID}, {@code PM_TOKEN_SECRET},
 * {@code PM_CA_FILE}, {@code PM_TLS_INSECURE}, {@code PM_TIMEOUT_SECONDS}.
 *
 * @param apiBase     {@code https://host:port/api2/json} (normalised from either accepted form of PM_API_URL)
 * @param tokenId     {@code user@realm!tokenname}
 * @param tokenSecret the token's secret (a UUID); never printed, {@link #toString()} masks it
 * @param caFile      a PEM file with the CA that signed the server certificate, when the cluster has a private CA
 * @param insecure    skip certificate verification (PM_TLS_INSECURE=true; warned about wherever it matters)
 * @param timeout     connect and request timeout of one API call
 */
public record ProxmoxSettings(URI apiBase, String tokenId, String tokenSecret, Optional<Path> caFile, boolean insecure,
                              Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    /** user@realm!tokenname, as pveum shows it (token names start with a letter). */
    private static final Pattern TOKEN_ID = Pattern.compile("[^\\s@!=]+@[^\\s@!=]+![A-Za-z][A-Za-z0-9._-]*");

    public ProxmoxSettings {
        Objects.requireNonNull(apiBase, "apiBase");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(tokenSecret, "tokenSecret");
        caFile = caFile == null ? Optional.empty() : caFile;
        Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Reads the settings; empty when {@code PM_API_URL} is not set (Proxmox not configured).
     *
     * @param workspace a relative PM_CA_FILE is resolved against it
     * @throws ConfigException naming the first missing or malformed variable
     */
    public static Optional<ProxmoxSettings> fromEnv(Map<String, String> env, Path workspace) {
        String url = value(env, "PM_API_URL");
        if (url == null) {
            return Optional.empty();
        }
        URI base = apiBase(url);
        String tokenId = value(env, "PM_TOKEN_ID");
        if (tokenId == null) {
            throw ConfigException.missing("PM_TOKEN_ID", "PM_API_URL is set, so MiniLab needs an API token: "
                    + "PM_TOKEN_ID=user@realm!tokenname (Datacenter > Permissions > API Tokens)");
        }
        if (tokenId.contains("=")) {
            throw ConfigException.invalid("PM_TOKEN_ID", "user@realm!tokenname=…", "only user@realm!tokenname; put "
                    + "the secret (the UUID after '=') in PM_TOKEN_SECRET");
        }
        if (!TOKEN_ID.matcher(tokenId).matches()) {
            throw ConfigException.invalid("PM_TOKEN_ID", tokenId, "an API token id like terraform@pve!minilab "
                    + "(user@realm!tokenname)");
        }
        String secret = value(env, "PM_TOKEN_SECRET");
        if (secret == null) {
            throw ConfigException.missing("PM_TOKEN_SECRET", "PM_API_URL is set, so MiniLab needs the secret of "
                    + "token " + tokenId + " (the UUID shown once when the token was created)");
        }
        if (secret.chars().anyMatch(Character::isWhitespace)) {
            throw ConfigException.invalid("PM_TOKEN_SECRET", "(hidden)", "the token secret without spaces");
        }
        Optional<Path> ca = Optional.ofNullable(value(env, "PM_CA_FILE")).map(f -> caFile(workspace, f));
        boolean insecure = bool(env, "PM_TLS_INSECURE");
        Duration timeout = DEFAULT_TIMEOUT;
        String t = value(env, "PM_TIMEOUT_SECONDS");
        if (t != null) {
            try {
                timeout = Duration.ofSeconds(Long.parseLong(t));
            } catch (NumberFormatException e) {
                timeout = Duration.ZERO;
            }
            if (timeout.isZero() || timeout.isNegative()) {
                throw ConfigException.invalid("PM_TIMEOUT_SECONDS", t, "a positive whole number of seconds");
            }
        }
        return Optional.of(new ProxmoxSettings(base, tokenId, secret, ca, insecure, timeout));
    }

    /** {@code https://host:8006/api2/json} from {@code https://host:8006}, {@code .../} or {@code .../api2/json}. */
    static URI apiBase(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw ConfigException.invalid("PM_API_URL", url, "a URL like https://pve1.lan:8006 or "
                    + "https://pve1.lan:8006/api2/json");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw ConfigException.invalid("PM_API_URL", url, "a URL like https://pve1.lan:8006 (scheme and host)");
        }
        if (!uri.getScheme().equalsIgnoreCase("https")) {
            throw ConfigException.invalid("PM_API_URL", url, "an https:// URL (Proxmox serves its API only over "
                    + "https, on port 8006)");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        if (!path.isEmpty() && !path.equals("/api2/json")) {
            throw ConfigException.invalid("PM_API_URL", url, "https://host:8006 or https://host:8006/api2/json "
                    + "(no other path)");
        }
        if (uri.getQuery() != null || uri.getUserInfo() != null) {
            throw ConfigException.invalid("PM_API_URL", url, "a URL without user, password or query; the token "
                    + "goes in PM_TOKEN_ID and PM_TOKEN_SECRET");
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]"
                : uri.getHost();
        return URI.create("https://" + host + port + "/api2/json");
    }

    private static Path caFile(Path workspace, String file) {
        Path path = workspace.resolve(file).normalize();
        if (!Files.isRegularFile(path)) {
            throw ConfigException.invalid("PM_CA_FILE", file, "an existing PEM file with your cluster's CA "
                    + "certificate (on a Proxmox node: /etc/pve/pve-root-ca.pem)");
        }
        try (InputStream in = Files.newInputStream(path)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new CertificateException("no certificate");
            }
        } catch (IOException | CertificateException e) {
            throw ConfigException.invalid("PM_CA_FILE", file, "a PEM file with at least one certificate "
                    + "(-----BEGIN CERTIFICATE-----), e.g. a copy of /etc/pve/pve-root-ca.pem");
        }
        return path;
    }

    private static boolean bool(Map<String, String> env, String name) {
        String v = value(env, name);
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ConfigException.invalid(name, v, "true or false");
        };
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** host:port of the API, for messages. */
    public String endpoint() {
        return apiBase.getHost() + (apiBase.getPort() < 0 ? "" : ":" + apiBase.getPort());
    }

    /** The line every output that used PM_TLS_INSECURE carries. */
    public static final String INSECURE_WARNING = "WARNING: PM_TLS_INSECURE=true: the Proxmox server's certificate is "
            + "NOT verified, so anyone on the network path can read the API token. Set PM_CA_FILE to your cluster's "
            + "CA (/etc/pve/pve-root-ca.pem on a node) and remove PM_TLS_INSECURE.";

    @Override
    public String toString() {
        return "ProxmoxSettings[apiBase=" + apiBase + ", tokenId=" + tokenId + ", tokenSecret=(hidden), caFile="
                + caFile.map(Path::toString).orElse("none") + ", insecure=" + insecure + ", timeout=" + timeout + "]";
    }
}
