package dev.minilab.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} (Prometheus text format 0.0.4) of one agent on the given address; every other path
 * answers 404. Closing stops it.
 */
public final class MetricsServer implements AutoCloseable {

    /** The content type of the Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving {@code metrics} on {@code address} (e.g. 0.0.0.0:9464; port 0 picks a free one).
     *
     * @throws UncheckedIOException naming the port when it cannot listen (in use, no permission)
     */
    public static MetricsServer start(AgentMetrics metrics, InetSocketAddress address) {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, metrics.role() + "-metrics");
            thread.setDaemon(true);
            return thread;
        });
        try {
            HttpServer http = HttpServer.create(address, 16);
            http.createContext("/", exchange -> handle(exchange, metrics));
            http.setExecutor(executor);
            http.start();
            return new MetricsServer(http, executor);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot serve metrics on port " + address.getPort() + " (" + e.getMessage()
                    + "): pick a free port with METRICS_PORT (or METRICS_PORT_<ROLE>), or unset it to switch metrics "
                    + "off", e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, AgentMetrics metrics) throws IOException {
        try (exchange) {
            boolean get = "GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod());
            if (!get || !exchange.getRequestURI().getPath().equals("/metrics")) {
                byte[] body = "MiniLab agent metrics are at GET /metrics\n".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (RuntimeException e) {
            LOG.warn("Serving /metrics failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
