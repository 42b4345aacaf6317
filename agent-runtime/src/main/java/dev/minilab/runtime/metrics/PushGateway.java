package dev.minilab.runtime.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one agent's series to a Prometheus Pushgateway ({@code PUSHGATEWAY_URL}) every {@link #PERIOD} and once
 * more on close: {@code PUT <url>/metrics/job/minilab/instance/<role>} with the text format. For agents Prometheus
 * cannot scrape (short runs, no inbound port). A failed push is logged at most once a minute and retried.
 */
public final class PushGateway implements AutoCloseable {

    static final Duration PERIOD = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(PushGateway.class);

    private final AgentMetrics metrics;
    private final URI target;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer;
    private long lastWarning;

    private PushGateway(AgentMetrics metrics, URI target, ScheduledExecutorService timer) {
        this.metrics = metrics;
        this.target = target;
        this.timer = timer;
    }

    /** The URL the series of {@code role} are pushed to under {@code baseUrl}. */
    public static URI target(String baseUrl, String role) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return URI.create(base + "/metrics/job/minilab/instance/" + URLEncoder.encode(role, StandardCharsets.UTF_8));
    }

    /** Starts pushing every {@link #PERIOD}. */
    public static PushGateway start(AgentMetrics metrics, String baseUrl) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, metrics.role() + "-pushgateway");
            thread.setDaemon(true);
            return thread;
        });
        PushGateway push = new PushGateway(metrics, target(baseUrl, metrics.role()), timer);
        timer.scheduleWithFixedDelay(push::pushQuietly, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return push;
    }

    /** Pushes now; returns the HTTP status. */
    public int push() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                .header("Content-Type", MetricsServer.CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(metrics.scrape())).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void pushQuietly() {
        try {
            int status = push();
            if (status / 100 != 2) {
                warn("the Pushgateway answered HTTP " + status);
            }
        } catch (IOException e) {
            warn(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void warn(String why) {
        long now = System.nanoTime();
        if (lastWarning == 0 || now - lastWarning > TimeUnit.MINUTES.toNanos(1)) {
            lastWarning = now;
            LOG.warn("Could not push metrics to {} ({}); check PUSHGATEWAY_URL", target, why);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pushQuietly();
    }
}
