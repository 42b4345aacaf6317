package dev.minilab.agents.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.minilab.agents.Role;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.metrics.MetricsServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /metrics} of two agents scraped over HTTP after a scripted session: every counter has its exact value. */
class MetricsIT {

    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)\\{([^}]*)}\\s+(\\S+)$");

    @RegisterExtension
    final GuardedTeamFixture fixture = new GuardedTeamFixture();
    private final ScriptedLlmServer llm = fixture.llm();

    @Test
    void metricsScrapedAfterAScriptedSessionHaveTheExactCounts() throws Exception {
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("[User]: document the lab").once())
                .reply(Reply.toolCall("read_file", "{\"path\":\"docs/missing.md\"}").withUsage(1000, 100));
        llm.when(Rule.forRole("Architect_Zero").lastMessageRole("tool").once())
                .reply(Reply.text("@DevOps_Builder write docs/lab.md").withUsage(2000, 200));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("user").once())
                .reply(Reply.toolCall("save_file", "{\"path\":\"docs/lab.md\",\"content\":\"# Lab\"}")
                        .withUsage(500, 50));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool").once())
                .reply(Reply.text("@Architect_Zero wrote docs/lab.md").withUsage(600, 60));
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("wrote docs/lab.md").once())
                .reply(Reply.toolCall("finish_task", "{\"summary\":\"docs/lab.md written\"}").withUsage(3000, 300));
        GuardedTeam team = fixture.startTeam(Map.of(), "gpt-4o-mini", Role.ARCHITECT_ZERO, Role.DEVOPS_BUILDER);

        team.publish(Message.chat("User", "document the lab"));
        await().atMost(Duration.ofSeconds(60)).until(() -> !team.toUser().isEmpty());
        assertThat(llm.pendingRules()).isEmpty();

        Map<String, Double> architect = scrape(team, Role.ARCHITECT_ZERO);
        Map<String, Double> devops = scrape(team, Role.DEVOPS_BUILDER);

        String a = "model=\"gpt-4o-mini\",role=\"Architect_Zero\"";
        assertThat(architect).containsEntry("agent_llm_calls_total{" + a + "}", 3.0)
                .containsEntry("agent_llm_input_tokens_total{" + a + "}", 6000.0)
                .containsEntry("agent_llm_output_tokens_total{" + a + "}", 600.0)
                .containsEntry("agent_llm_latency_seconds_count{" + a + "}", 3.0)
                .containsEntry("agent_tool_calls_total{role=\"Architect_Zero\",status=\"error\",tool=\"read_file\"}", 1.0)
                .containsEntry("agent_tool_calls_total{role=\"Architect_Zero\",status=\"ok\",tool=\"finish_task\"}", 1.0)
                .containsEntry("agent_messages_total{direction=\"in\",role=\"Architect_Zero\"}", 2.0)
                .containsEntry("agent_messages_total{direction=\"out\",role=\"Architect_Zero\"}", 2.0);
        // 6000 × $0.15 + 600 × $0.60 per 1M tokens
        assertThat(architect.get("agent_llm_cost_dollars_total{" + a + "}")).isCloseTo(0.00126, within(1e-12));
        String d = "model=\"gpt-4o-mini\",role=\"DevOps_Builder\"";
        assertThat(devops).containsEntry("agent_llm_calls_total{" + d + "}", 2.0)
                .containsEntry("agent_llm_input_tokens_total{" + d + "}", 1100.0)
                .containsEntry("agent_llm_output_tokens_total{" + d + "}", 110.0)
                .containsEntry("agent_tool_calls_total{role=\"DevOps_Builder\",status=\"ok\",tool=\"save_file\"}", 1.0)
                .containsEntry("agent_messages_total{direction=\"in\",role=\"DevOps_Builder\"}", 1.0)
                .containsEntry("agent_messages_total{direction=\"out\",role=\"DevOps_Builder\"}", 1.0);
        assertThat(devops.get("agent_llm_cost_dollars_total{" + d + "}")).isCloseTo(0.000231, within(1e-12));
        assertThat(architect.keySet()).noneMatch(k -> k.startsWith("agent_halts_total"));
    }

    /** GET /metrics of {@code role} through a real MetricsServer, parsed into series → value. */
    private static Map<String, Double> scrape(GuardedTeam team, Role role) throws Exception {
        try (MetricsServer server = MetricsServer.start(team.agents.get(role).discipline().metrics(),
                new InetSocketAddress("127.0.0.1", 0))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            Map<String, Double> samples = new HashMap<>();
            for (String line : response.body().split("\n")) {
                Matcher m = SAMPLE.matcher(line.strip());
                if (m.matches()) {
                    samples.put(m.group(1) + "{" + m.group(2) + "}", Double.parseDouble(m.group(3)));
                }
            }
            return samples;
        }
    }
}
