package dev.minilab.testkit.proxmox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Proxmox VE API server on 127.0.0.1 over HTTPS, with a certificate signed by a {@link TestCa} made at start.
 *
 * <p>It serves, read-only, the endpoints MiniLab uses ({@code version}, {@code cluster/status},
 * {@code cluster/resources[?type=]}, {@code nodes}, {@code nodes/{n}/status}, {@code nodes/{n}/storage},
 * {@code nodes/{n}/storage/{s}/content[?content=]}, {@code cluster/nextid[?vmid=]}) from a data file whose keys hold
 * each endpoint's {@code data} exactly as Proxmox returns it (see {@code proxmox/cluster-3-nodes.json}, the default:
 * a 3-node cluster "lab" with pve3 offline). Responses use the real envelope {@code {"data": …}} and
 * {@code Server: pve-api-daemon/3.0}. Every request must carry {@code Authorization: PVEAPIToken=ID=SECRET}: no
 * header gives 401 "No ticket", a wrong token 401 with an empty body (optionally after the real 3-second delay);
 * {@link Builder#deny} makes a path answer the real 403 body {@code {"data":null,"message":"Permission check failed
 * (/, Sys.Audit)\n"}}. A node whose status is not online answers its per-node endpoints like pveproxy does for an
 * unreachable node: 595 with a plain-text body. The JDK's HTTP server cannot send Proxmox's custom reason phrases
 * (e.g. "401 invalid token value!"); the status codes and bodies are the real ones.
 */
public final class ProxmoxApiServer implements AutoCloseable {

    /** The default data file (classpath resource of the testkit). */
    public static final String DEFAULT_DATA = "cluster-3-nodes.json";
    public static final String DEFAULT_TOKEN_ID = "terraform@pve!minilab";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpsServer server;
    private final ExecutorService executor;
    private final TestCa ca;
    private final ObjectNode data;
    private final String tokenId;
    private final String tokenSecret;
    private final Map<String, String> denied;
    private final Duration authFailureDelay;
    private final boolean legacyErrors;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    /** One request as received: path with query, and whether it carried the right token. */
    public record Request(String method, String pathAndQuery, String authorization, boolean authorized) {
    }

    private ProxmoxApiServer(Builder b) {
        this.ca = TestCa.create();
        this.data = b.data;
        this.tokenId = b.tokenId;
        this.tokenSecret = b.tokenSecret;
        this.denied = Map.copyOf(b.denied);
        this.authFailureDelay = b.authFailureDelay;
        this.legacyErrors = b.legacyErrors;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("could not start the Proxmox API fixture on 127.0.0.1", e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext()));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A server with the default data and token. */
    public static ProxmoxApiServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of the fixture. */
    public static final class Builder {
        private ObjectNode data = defaultData();
        private String tokenId = DEFAULT_TOKEN_ID;
        private String tokenSecret = "5f1e7c2a-" + "0b9d-4e3f-a6c8-" + "1d2e3f4a5b6c";
        private final Map<String, String> denied = new LinkedHashMap<>();
        private Duration authFailureDelay = Duration.ZERO;
        private boolean legacyErrors;

        /**
         * Answers errors like servers before libpve-http-server-perl 5.2.0: {@code {"data":null}} without the
         * {@code message} (the reason was only in the HTTP reason phrase).
         */
        public Builder legacyErrors() {
            this.legacyErrors = true;
            return this;
        }

        /** Serves this data (a copy of a data file, possibly changed by the test). */
        public Builder data(ObjectNode value) {
            this.data = value.deepCopy();
            return this;
        }

        /** Serves the data file at {@code file}. */
        public Builder dataFile(Path file) {
            try {
                this.data = (ObjectNode) JSON.readTree(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read fixture data " + file, e);
            }
            return this;
        }

        public Builder token(String id, String secret) {
            this.tokenId = Objects.requireNonNull(id);
            this.tokenSecret = Objects.requireNonNull(secret);
            return this;
        }

        /**
         * Answers 403 for {@code pathPrefix} (e.g. {@code cluster/status}) as when the token lacks {@code privilege}
         * on {@code aclPath}: {@code Permission check failed (aclPath, privilege)}.
         */
        public Builder deny(String pathPrefix, String aclPath, String privilege) {
            denied.put(pathPrefix, "Permission check failed (" + aclPath + ", " + privilege + ")");
            return this;
        }

        /** Waits this long before a 401, like pveproxy (3 s). Default: no wait. */
        public Builder authFailureDelay(Duration delay) {
            this.authFailureDelay = Objects.requireNonNull(delay);
            return this;
        }

        public ProxmoxApiServer start() {
            return new ProxmoxApiServer(this);
        }
    }

    /** A fresh copy of the default data file, for tests that change something. */
    public static ObjectNode defaultData() {
        try (InputStream in = ProxmoxApiServer.class.getResourceAsStream(DEFAULT_DATA)) {
            Objects.requireNonNull(in, DEFAULT_DATA + " missing from the testkit");
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code https://127.0.0.1:<port>} (PM_API_URL). */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    public String tokenId() {
        return tokenId;
    }

    public String tokenSecret() {
        return tokenSecret;
    }

    public TestCa ca() {
        return ca;
    }

    /** The data served (a copy). */
    public ObjectNode data() {
        return data.deepCopy();
    }

    /** The env a MiniLab process needs to reach this server: PM_API_URL, PM_TOKEN_ID, PM_TOKEN_SECRET, PM_CA_FILE. */
    public Map<String, String> env(Path caFile) {
        ca.writeCaPem(caFile);
        return Map.of("PM_API_URL", url(), "PM_TOKEN_ID", tokenId, "PM_TOKEN_SECRET", tokenSecret,
                "PM_CA_FILE", caFile.toAbsolutePath().toString());
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Server", "pve-api-daemon/3.0");
            String raw = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            boolean authorized = ("PVEAPIToken=" + tokenId + "=" + tokenSecret).equals(auth);
            requests.add(new Request(exchange.getRequestMethod(), raw + (query == null ? "" : "?" + query), auth,
                    authorized));
            if (!raw.startsWith("/api2/json/")) {
                send(exchange, 501, error("Method '" + exchange.getRequestMethod() + " " + raw + "' not implemented"));
                return;
            }
            if (auth == null) {
                sendEmpty(exchange, 401);
                return;
            }
            if (!authorized) {
                if (!authFailureDelay.isZero()) {
                    try {
                        Thread.sleep(authFailureDelay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                sendEmpty(exchange, 401);
                return;
            }
            String path = raw.substring("/api2/json/".length());
            for (Map.Entry<String, String> deny : denied.entrySet()) {
                if (path.startsWith(deny.getKey())) {
                    ObjectNode body = error(deny.getValue());
                    if (legacyErrors) {
                        body.remove("message");
                    }
                    send(exchange, 403, body);
                    return;
                }
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 501, error("Method '" + exchange.getRequestMethod() + " /" + path + "' not implemented"));
                return;
            }
            route(exchange, path.replaceAll("/+$", ""), query(query));
        }
    }

    private void route(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        String[] p = path.split("/");
        switch (path) {
            case "version" -> ok(exchange, data.get("version"));
            case "cluster/status" -> ok(exchange, data.get("cluster_status"));
            case "nodes" -> ok(exchange, data.get("nodes"));
            case "cluster/resources" -> ok(exchange, filter(data.withArray("resources"), "type", switch (
                    query.getOrDefault("type", "")) {
                case "vm" -> List.of("qemu", "lxc");
                case "" -> List.of();
                default -> List.of(query.get("type"));
            }));
            case "cluster/nextid" -> {
                if (query.containsKey("vmid")) {
                    String vmid = query.get("vmid");
                    for (JsonNode r : data.withArray("resources")) {
                        if (vmid.equals(r.path("vmid").asText())) {
                            ObjectNode body = error("Parameter verification failed.");
                            body.putObject("errors").put("vmid", "VM " + vmid + " already exists");
                            send(exchange, 400, body);
                            return;
                        }
                    }
                    ok(exchange, JsonNodeFactory.instance.textNode(vmid));
                } else {
                    ok(exchange, data.get("nextid"));
                }
            }
            default -> {
                if (p.length >= 3 && p[0].equals("nodes")) {
                    String node = p[1];
                    if (!nodeExists(node)) {
                        send(exchange, 500, error("hostname lookup '" + node + "' failed - failed to get address info "
                                + "for: " + node + ": Name or service not known"));
                        return;
                    }
                    if (!nodeOnline(node)) {
                        sendText(exchange, 595, "No route to host\n");
                        return;
                    }
                    if (p.length == 3 && p[2].equals("status")) {
                        ok(exchange, data.path("node_status").get(node));
                        return;
                    }
                    if (p.length == 3 && p[2].equals("storage")) {
                        ok(exchange, data.path("storage").get(node));
                        return;
                    }
                    if (p.length == 5 && p[2].equals("storage") && p[4].equals("content")) {
                        String storage = p[3];
                        boolean exists = false;
                        for (JsonNode s : data.path("storage").path(node)) {
                            exists |= storage.equals(s.path("storage").asText());
                        }
                        if (!exists) {
                            send(exchange, 500, error("storage '" + storage + "' does not exist"));
                            return;
                        }
                        JsonNode content = data.path("content").path(node + "/" + storage);
                        ArrayNode list = content.isArray() ? (ArrayNode) content : JsonNodeFactory.instance.arrayNode();
                        String type = query.getOrDefault("content", "");
                        ok(exchange, filter(list, "content", type.isEmpty() ? List.of() : List.of(type)));
                        return;
                    }
                }
                send(exchange, 501, error("Method 'GET /" + path + "' not implemented"));
            }
        }
    }

    private boolean nodeExists(String node) {
        for (JsonNode n : data.withArray("nodes")) {
            if (node.equals(n.path("node").asText())) {
                return true;
            }
        }
        return false;
    }

    private boolean nodeOnline(String node) {
        for (JsonNode n : data.withArray("nodes")) {
            if (node.equals(n.path("node").asText())) {
                return "online".equals(n.path("status").asText());
            }
        }
        return false;
    }

    private static ArrayNode filter(ArrayNode list, String field, List<String> values) {
        if (values.isEmpty()) {
            return list;
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        list.forEach(item -> {
            if (values.contains(item.path(field).asText())) {
                out.add(item);
            }
        });
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    private static ObjectNode error(String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putNull("data");
        body.put("message", message + "\n");
        return body;
    }

    private static void ok(HttpExchange exchange, JsonNode value) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("data", value == null ? JsonNodeFactory.instance.nullNode() : value);
        send(exchange, 200, body);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain;charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sendEmpty(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
