package dev.minilab.agents.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.agents.Role;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.loop.TokenEstimator;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LESSONS row 15 (context drift, 27k–88 KB prompts): with CONTEXT_BUDGET_TOKENS and CONTEXT_WINDOW_STEPS the prompt
 * stops growing, and the User's first requirement is still in it at the end. Sizes are asserted, not times.
 */
class ContextBudgetIT {

    private static final String GOAL = "REQ-GOAL-7731: build a three-node k3s cluster called zephyr on pve1";
    private static final List<String> WORDS = List.of("cluster", "node", "storage", "bridge", "firewall", "backup",
            "ingress", "certificate", "volume", "replica", "gateway", "subnet", "kernel", "package", "service",
            "template", "snapshot", "monitor", "latency", "throughput", "quorum", "etcd", "scheduler", "taint");
    private static final Map<String, String> NEXT = Map.of("Architect_Zero", "DevOps_Builder",
            "DevOps_Builder", "Security_Sentinel", "Security_Sentinel", "QA_Tester", "QA_Tester", "Architect_Zero");

    @RegisterExtension
    final GuardedTeamFixture fixture = new GuardedTeamFixture();
    private final ScriptedLlmServer llm = fixture.llm();
    private final Path workspace = fixture.workspace();

    @Test
    void twoHundredMessageSessionKeepsTheFirstRequirementAndStopsGrowing() {
        llm.when(Rule.any()).reply(r -> r.index() >= 199
                ? Reply.text("That settles it; nothing more from me. " + prose(r.index()))
                : Reply.text("@" + NEXT.get(r.role()) + " step " + r.index() + ": " + prose(r.index())));
        GuardedTeam team = fixture.startTeam(Map.of("HISTORY_WINDOW", "400", "MAX_HOPS", "1000",
                "CONTEXT_BUDGET_TOKENS", "4000"), "scripted-model", Role.values());

        team.publish(Message.chat("User", GOAL));

        await().atMost(Duration.ofMinutes(10)).until(() -> team.chat().size() == 201);
        List<RecordedRequest> requests = llm.requests();
        assertThat(requests).hasSize(200);
        int size20 = requests.get(19).bodyText().length();
        int size200 = requests.get(199).bodyText().length();
        System.out.printf("200-message session: request 20 = %d chars, request 200 = %d chars (ratio %.3f)%n",
                size20, size200, (double) size200 / size20);
        assertThat(requests.get(19).role()).isEqualTo(requests.get(199).role()); // same tools, same prompt
        assertThat((double) size200).as("request 200 (%d chars) vs request 20 (%d chars)", size200, size20)
                .isLessThanOrEqualTo(1.1 * size20);
        for (Role role : Role.values()) {
            RecordedRequest last = llm.requestsFor(role.displayName()).getLast();
            assertThat(last.systemPrompt()).as(role.displayName()).contains(GOAL);
        }
        // The history reached far beyond the budget: 200 messages of ~300 tokens each went through the bus.
        assertThat(team.observer.history(400)).hasSize(201);
        assertThat(llm.unmatchedRequests()).isEmpty();
    }

    @Test
    void aHundredStepTurnsLastRequestIsUnderTheBudget() throws Exception {
        llm.when(Rule.forRole("DevOps_Builder")).reply(r -> r.index() < 99
                ? Reply.toolCall("read_file", "{\"path\":\"docs/f" + r.index() + ".md\"}")
                : Reply.text("@Architect_Zero read all 99 files"));
        for (int i = 0; i < 100; i++) {
            Files.writeString(workspace.resolve("docs").resolve("f" + i + ".md"), ("file " + i + " " + prose(i) + "\n")
                    .repeat(5));
        }
        GuardedTeam team = fixture.startTeam(Map.of("MAX_STEPS", "100", "MAX_TOKENS", "100000000"), "scripted-model",
                Role.DEVOPS_BUILDER);

        team.publish(Message.chat("Architect_Zero", "@DevOps_Builder read every file under docs"));

        await().atMost(Duration.ofMinutes(10)).until(() -> team.agentToAgent().stream()
                .anyMatch(m -> m.sender().equals("DevOps_Builder")));
        List<RecordedRequest> requests = llm.requests();
        assertThat(requests).hasSize(100);
        RecordedRequest last = requests.getLast();
        int tokens = tokens(last);
        System.out.printf("100-step turn: request 10 = %d tokens, request 100 = %d tokens (budget 16000)%n",
                tokens(requests.get(9)), tokens);
        assertThat(tokens).as("tokens of request 100").isLessThanOrEqualTo(16_000);
        // Without the budget it would carry all 99 results (each ~1,500 tokens): far over.
        assertThat(tokens(requests.get(9)) * 9).isGreaterThan(16_000 * 2);
        assertThat(last.messages().get(1).content()).contains("read every file under docs");
        assertThat(last.messages().getLast().content()).contains("file 98 ");
        // CONTEXT_WINDOW_STEPS (12): the 87 older steps are one digest line each or counted, not their results
        assertThat(last.messages().get(2).content())
                .startsWith("[MiniLab: digest of this turn's older steps (steps 1–87;")
                .contains("read_file {\"path\":\"docs/f86.md\"} → ok");
        assertThat(last.messages()).hasSize(3 + 12 * 2);
        assertThat(last.bodyText().length()).as("request 100 vs request 20")
                .isLessThanOrEqualTo((int) (1.1 * requests.get(19).bodyText().length()));
    }

    /** Tokens of what a recorded request carries: messages (with tool calls) and tool definitions. */
    private static int tokens(RecordedRequest request) {
        TokenEstimator estimator = new TokenEstimator();
        int tokens = estimator.count(String.valueOf(request.body().path("tools")));
        for (RecordedRequest.Message message : request.messages()) {
            tokens += TokenEstimator.PER_MESSAGE + estimator.count(message.content());
            for (RecordedRequest.ToolCall call : message.toolCalls()) {
                tokens += TokenEstimator.PER_MESSAGE + estimator.count(call.name()) + estimator.count(call.arguments());
            }
        }
        return tokens;
    }

    /** About 300 tokens of varied prose, different for every seed. */
    private static String prose(int seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            text.append(WORDS.get(random.nextInt(WORDS.size()))).append(i % 12 == 11 ? ". " : " ");
        }
        return text.toString().strip();
    }
}
