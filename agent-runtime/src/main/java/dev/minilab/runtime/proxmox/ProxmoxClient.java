package dev.minilab.runtime.proxmox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A read-only Proxmox VE API client: GET requests with the API-token header, TLS verified against the JDK's CAs or
 * {@code PM_CA_FILE} (or not at all with {@code PM_TLS_INSECURE}), the {@code {"data": …}} envelope unwrapped.
 * Failures are {@link ProxmoxException}s whose message names the endpoint and status and says what to fix. The token
 * secret is only ever put in the Authorization header. Thread-safe.
 */
public final class ProxmoxClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PERMISSION = Pattern.compile("Permission check failed \\(([^,]+), ([^)]+)\\)");

    private final ProxmoxSettings settings;
    private final HttpClient http;
    private final String authorization;

    public ProxmoxClient(ProxmoxSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(sslContext(settings))
                .build();
        this.authorization = "PVEAPIToken=" + settings.tokenId() + "=" + settings.tokenSecret();
    }

    public ProxmoxSettings settings() {
        return settings;
    }

    /**
     * GETs {@code path} (relative to /api2/json, e.g. {@code cluster/resources?type=vm}) and returns the envelope's
     * {@code data}.
     *
     * @throws ProxmoxException with the endpoint, status and the fix
     */
    public JsonNode get(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        URI uri = URI.create(settings.apiBase() + "/" + relative);
        String endpoint = "GET " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Authorization", authorization)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProxmoxException(endpoint, endpoint + ": interrupted", e);
        } catch (IOException e) {
            throw transportFailure(endpoint, e);
        }
        return unwrap(endpoint, response.statusCode(), response.body());
    }

    private JsonNode unwrap(String endpoint, int status, String body) {
        JsonNode json = null;
        try {
            json = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            // not JSON: proxy errors and non-Proxmox servers answer with text; handled below
        }
        String message = json != null && json.hasNonNull("message") ? json.get("message").asText().strip() : "";
        if (status == 401) {
            throw new ProxmoxException(endpoint, status, endpoint + " → 401 Unauthorized: the API token was refused"
                    + (message.isEmpty() ? "" : " (" + message + ")") + ". Check PM_TOKEN_ID (user@realm!tokenname, "
                    + "now " + settings.tokenId() + ") and PM_TOKEN_SECRET (the UUID shown once when the token was "
                    + "created), and that the token and its user exist, are enabled and have not expired "
                    + "(Datacenter > Permissions > API Tokens).");
        }
        if (status == 403) {
            Matcher m = PERMISSION.matcher(message);
            String fix = m.find()
                    ? "The token lacks " + m.group(2) + " on " + m.group(1) + ": grant it, e.g. pveum acl modify "
                    + m.group(1) + " --tokens '" + settings.tokenId() + "' --roles PVEAuditor (a token with privilege "
                    + "separation needs its own ACL entry)."
                    : "The token lacks a privilege for this path. MiniLab reads with Sys.Audit, VM.Audit and "
                    + "Datastore.Audit: give the token the PVEAuditor role on / (pveum acl modify / --tokens '"
                    + settings.tokenId() + "' --roles PVEAuditor).";
            throw new ProxmoxException(endpoint, status, endpoint + " → 403 Forbidden"
                    + (message.isEmpty() ? "" : ": " + message) + ". " + fix);
        }
        if (status >= 590 && status <= 599) {
            throw new ProxmoxException(endpoint, status, endpoint + " → " + status + ": the node behind this request "
                    + "did not answer (proxy error" + (message.isEmpty() ? "" : ": " + message) + "); it may be "
                    + "offline. Check the node in the Proxmox web UI.");
        }
        if (status < 200 || status > 299) {
            String why = !message.isEmpty() ? message
                    : json != null && json.has("errors") ? json.get("errors").toString()
                    : body == null || body.isBlank() ? "no reason in the body" : abbreviate(body.strip());
            throw new ProxmoxException(endpoint, status, endpoint + " → HTTP " + status + ": " + why);
        }
        if (json == null || !json.has("data")) {
            throw new ProxmoxException(endpoint, status, endpoint + " → HTTP " + status + " but not a Proxmox API "
                    + "answer (no {\"data\": …}). Check that PM_API_URL points at the Proxmox API (https://host:8006)"
                    + ", not at another web server.");
        }
        return json.get("data");
    }

    private ProxmoxException transportFailure(String endpoint, IOException e) {
        String where = settings.endpoint();
        SSLException tls = find(e, SSLException.class);
        if (tls != null) {
            String text = chain(e);
            if (text.contains("No subject alternative") || text.contains("No name matching")) {
                return new ProxmoxException(endpoint, endpoint + ": TLS: the certificate of " + where + " is not made "
                        + "out for that host name (" + firstLine(text) + "). Use the host name the certificate "
                        + "names in PM_API_URL (e.g. the node's name, https://pve1.lan:8006), or set "
                        + "PM_TLS_INSECURE=true for a lab.", e);
            }
            if (tls instanceof SSLHandshakeException || text.contains("PKIX") || text.contains("certification path")) {
                return new ProxmoxException(endpoint, endpoint + ": TLS: the certificate of " + where + " is not "
                        + "trusted (" + firstLine(text) + "). Set PM_CA_FILE to your cluster's CA certificate "
                        + "(copy /etc/pve/pve-root-ca.pem from a node)" + (settings.caFile().isPresent()
                        ? " — the current PM_CA_FILE " + settings.caFile().get() + " did not sign it" : "")
                        + ", or PM_TLS_INSECURE=true for a lab only.", e);
            }
            return new ProxmoxException(endpoint, endpoint + ": TLS failure talking to " + where + ": "
                    + firstLine(text) + ". Check PM_API_URL (https, port 8006) and PM_CA_FILE.", e);
        }
        if (e instanceof HttpConnectTimeoutException || find(e, ConnectException.class) != null) {
            return new ProxmoxException(endpoint, endpoint + ": cannot connect to " + where + " (" + firstLine(chain(e))
                    + "). Check PM_API_URL and that the node is up and pveproxy listens (port 8006).", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new ProxmoxException(endpoint, endpoint + ": no answer from " + where + " within "
                    + settings.timeout().toSeconds() + " s. Check the node, or raise PM_TIMEOUT_SECONDS.", e);
        }
        return new ProxmoxException(endpoint, endpoint + ": " + firstLine(chain(e)) + ". Check PM_API_URL ("
                + settings.apiBase() + ").", e);
    }

    private static SSLContext sslContext(ProxmoxSettings settings) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (settings.insecure()) {
                context.init(null, new TrustManager[] {new TrustEverything()}, null);
            } else if (settings.caFile().isPresent()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                try (InputStream in = Files.newInputStream(settings.caFile().get())) {
                    int i = 0;
                    for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("pm-ca-" + i++, certificate);
                    }
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                context.init(null, factory.getTrustManagers(), null);
            } else {
                context.init(null, null, null);
            }
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ProxmoxException("TLS setup", "cannot set up TLS for " + settings.endpoint() + ": "
                    + e.getMessage() + ". Check PM_CA_FILE.", e);
        }
    }

    /** PM_TLS_INSECURE: accepts any certificate for any host name (an extended manager, so the JDK adds no check). */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !text.toString().contains(t.getMessage())) {
                text.append(text.isEmpty() ? "" : ": ").append(t.getMessage());
            }
        }
        return text.isEmpty() ? e.getClass().getSimpleName() : text.toString();
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse(text);
        return abbreviate(line);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
