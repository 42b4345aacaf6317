package dev.minilab.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PUSHGATEWAY_URL}: an agent's series reach a Pushgateway as {@code PUT /metrics/job/minilab/instance/<role>}
 * in the Prometheus text format, and once more when the agent closes. A local HTTP server stands in for the
 * Pushgateway and records what it gets.
 */
class PushGatewayIT {

    /** One request the stand-in received. */
    record Received(String method, String path, String contentType, String body) { }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void theAgentsSeriesArePutUnderItsInstanceAndPushedAgainOnClose() throws Exception {
        AgentMetrics metrics = new AgentMetrics("QA_Tester");
        metrics.llmCall("gpt-4o-mini", 1000, 100, new BigDecimal("0.00021"), Duration.ofMillis(300));
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";

        PushGateway push = PushGateway.start(metrics, base);
        int status = push.push();
        metrics.toolCall("read_file", true);
        push.close();

        assertThat(status).isEqualTo(200);
        assertThat(received).hasSize(2);
        assertThat(received).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("PUT");
            assertThat(r.path()).isEqualTo("/metrics/job/minilab/instance/QA_Tester");
            assertThat(r.contentType()).startsWith("text/plain");
        });
        assertThat(received.get(0).body())
                .contains("agent_llm_calls_total{model=\"gpt-4o-mini\",role=\"QA_Tester\"} 1.0")
                .contains("agent_llm_input_tokens_total{model=\"gpt-4o-mini\",role=\"QA_Tester\"} 1000.0")
                .doesNotContain("agent_tool_calls_total{");
        assertThat(received.get(1).body()).as("the push on close has what happened since")
                .contains("agent_tool_calls_total{role=\"QA_Tester\",status=\"ok\",tool=\"read_file\"} 1.0");
    }
}
