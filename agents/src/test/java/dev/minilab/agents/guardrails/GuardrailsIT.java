package dev.minilab.agents.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.agents.Role;
import dev.minilab.runtime.bus.Message;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The runaway failures of the original team (LESSONS rows 2, 16, 18) reproduced with a scripted LLM, real Redis and
 * agents wired as the agent main wires them; each test shows the guard firing, deterministically, across separate
 * agents whose only shared state is Redis.
 */
class GuardrailsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Distinct sentences, so a ping-pong never looks like a loop to the loop breaker. */
    private static final List<String> TOPICS = List.of(
            "the network layout with two bridges looks sound to me",
            "storage on the ZFS pool needs a separate dataset for backups",
            "firewall rules should allow only SSH from the admin subnet",
            "monitoring can start with node exporter on every guest",
            "DNS records belong in the internal zone managed by the router",
            "the backup schedule runs nightly at two with weekly pruning",
            "certificates come from the internal ACME server with short lifetimes",
            "log shipping goes to the central Loki instance over TLS");

    @RegisterExtension
    final GuardedTeamFixture fixture = new GuardedTeamFixture();
    private final ScriptedLlmServer llm = fixture.llm();

    @Test
    void pingPongOfTwoAgentsApprovingEachOtherHaltsAtMaxHopsWithOneReportToTheUser() {
        llm.when(Rule.forRole("Architect_Zero")).reply(r -> Reply.text("@Security_Sentinel approved from my side: "
                + TOPICS.get(r.index() % TOPICS.size()) + ". Do you approve?"));
        llm.when(Rule.forRole("Security_Sentinel")).reply(r -> Reply.text("@Architect_Zero I approve as well, and "
                + TOPICS.get((r.index() + 3) % TOPICS.size()) + ". Please confirm."));
        GuardedTeam team = fixture.startTeam(Map.of("MAX_HOPS", "6"), "scripted-model", Role.ARCHITECT_ZERO,
                Role.SECURITY_SENTINEL);

        team.publish(Message.chat("User", "design the homelab network"));

        await().atMost(WAIT).until(() -> !team.toUser().isEmpty());
        Message report = team.toUser().getFirst();
        assertThat(report.sender()).isEqualTo("Architect_Zero");
        assertThat(report.content()).startsWith("Hop limit reached: 6 messages between agents")
                .contains("MAX_HOPS=6").contains("The last messages were:").contains("Security_Sentinel: ")
                .contains("To continue, send a message").contains("raise MAX_HOPS");
        // The refused turn was decided before the report (declare → status → report): nothing can follow it.
        assertThat(team.agentToAgent()).hasSize(6);
        assertThat(llm.requests()).hasSize(6);
        assertThat(team.requestState()).containsEntry("halted", "hops").containsEntry("hops", "6")
                .containsEntry("reported", "1");
        assertThat(team.statusLines()).filteredOn(s -> s.contains("halting the team")).hasSize(1);
        assertThat(team.toUser()).hasSize(1);
        assertThat(team.agents.get(Role.ARCHITECT_ZERO).discipline().metrics().scrape())
                .containsPattern("agent_halts_total\\{reason=\"hops\",role=\"Architect_Zero\"} 1\\.0");

        // A new User message starts a new request: the count resets, so the same pair gets MAX_HOPS more messages
        // (and no more) before the second report.
        Message next = team.publish(Message.chat("User", "go on with the storage part"));
        await().atMost(WAIT).until(() -> team.toUser().size() == 2);
        assertThat(llm.requests().get(6).role()).isEqualTo("Architect_Zero");
        assertThat(team.requestState()).containsEntry("request_seq", Long.toString(next.seq()))
                .containsEntry("hops", "6").containsEntry("halted", "hops");
        assertThat(team.agentToAgent()).hasSize(12);
        assertThat(llm.requests()).hasSize(12);
    }

    @Test
    void nearIdenticalExchangeTripsTheLoopBreakerNamingBothAgents() {
        llm.when(Rule.forRole("Security_Sentinel")).reply(r -> Reply.text("@Architect_Zero REJECTED: plan "
                + Integer.toHexString(0x5f3a91c0 + r.index()) + " still opens port 22 to the world (finding " + r.index()
                + ")."));
        llm.when(Rule.forRole("Architect_Zero")).reply(r -> Reply.text("@Security_Sentinel Fixed in revision "
                + r.index() + ", please approve the plan now."));
        GuardedTeam team = fixture.startTeam(Map.of(), "scripted-model", Role.ARCHITECT_ZERO,
                Role.SECURITY_SENTINEL);

        team.publish(Message.chat("User", "get the plan approved"));

        await().atMost(WAIT).until(() -> !team.toUser().isEmpty());
        Message report = team.toUser().getFirst();
        assertThat(report.content()).startsWith("Loop breaker: ").contains("Architect_Zero")
                .contains("Security_Sentinel").contains("3 times in a row").contains("kept saying");
        assertThat(team.agentToAgent()).hasSize(6);
        assertThat(llm.requests()).hasSize(6);
        assertThat(team.requestState()).containsEntry("halted", "loop");
    }

    @Test
    void aModelReportingHugeUsageHaltsAtMaxCostAndNoFurtherRequestIsSent() {
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("user").once()).reply(
                Reply.toolCall("read_file", "{\"path\":\"docs/notes.md\"}").withUsage(1_000_000, 10));
        llm.when(Rule.forRole("DevOps_Builder")).reply(Reply.text("@Architect_Zero should never be sent"));
        llm.when(Rule.forRole("Architect_Zero").once()).reply(
                Reply.text("@DevOps_Builder read docs/notes.md and build").withUsage(100, 10));
        GuardedTeam team = fixture.startTeam(Map.of("MAX_COST_USD", "1.00"), "gpt-4o", Role.ARCHITECT_ZERO,
                Role.DEVOPS_BUILDER);

        team.publish(Message.chat("User", "build it"));

        await().atMost(WAIT).until(() -> !team.toUser().isEmpty());
        // The turn ends at the refused second call; its outcome is in the log once the loop has returned.
        await().atMost(WAIT).until(() -> team.executionLog(Role.DEVOPS_BUILDER).contains("**Outcome: halted**"));
        Message report = team.toUser().getFirst();
        assertThat(report.content()).startsWith("Budget reached: this request cost $2.50")
                .contains("over MAX_COST_USD=$1.00").contains("(1,000,120 tokens)")
                .contains("DevOps_Builder: 1,000,010 tokens, $2.50").contains("raise MAX_COST_USD");
        assertThat(llm.requestsFor("DevOps_Builder")).hasSize(1);
        assertThat(llm.requests()).hasSize(2);
        assertThat(team.requestState()).containsEntry("halted", "cost").containsEntry("halted_by", "DevOps_Builder");
        assertThat(team.agentToAgent()).extracting(Message::sender).doesNotContain("DevOps_Builder");
    }

    @Test
    void askUserPutsTheQuestionToTheUserAndTheTeamSpendsNothingUntilTheAnswer() {
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("[User]: build the web server").once())
                .reply(Reply.toolCall("ask_user", "{\"question\":\"Which VLAN should the web server use?\"}"));
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("VLAN 20").once())
                .reply(Reply.text("@DevOps_Builder build the web server on VLAN 20"));
        llm.when(Rule.forRole("DevOps_Builder")).reply(Reply.text("@Architect_Zero built on VLAN 20"));
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("built on VLAN 20"))
                .reply(Reply.toolCall("finish_task", "{\"summary\":\"web server on VLAN 20\"}"));
        GuardedTeam team = fixture.startTeam(Map.of(), "scripted-model", Role.ARCHITECT_ZERO,
                Role.DEVOPS_BUILDER);

        team.publish(Message.chat("User", "build the web server"));

        await().atMost(WAIT).until(() -> !team.toUser().isEmpty());
        Message question = team.toUser().getFirst();
        assertThat(question.sender()).isEqualTo("Architect_Zero");
        assertThat(question.content()).isEqualTo("[ask_user] Which VLAN should the web server use?");
        await().atMost(WAIT).until(() -> team.executionLog(Role.ARCHITECT_ZERO).contains("**Outcome: halted**"));
        assertThat(llm.requests()).hasSize(1);

        // While the question is open, a teammate's message starts no turn: the agent records it as dealt with.
        Message nudge = team.publish(Message.chat("Architect_Zero", "@DevOps_Builder start anyway"));
        await().atMost(WAIT).until(() -> team.observer.progress("DevOps_Builder").orElse(0) >= nudge.seq());
        assertThat(llm.requests()).hasSize(1);

        team.publish(Message.chat("User", "VLAN 20"));

        await().atMost(WAIT).until(() -> team.toUser().size() == 2);
        assertThat(team.toUser().getLast().content()).isEqualTo("web server on VLAN 20");
        assertThat(llm.requests()).extracting(r -> r.role()).containsExactly("Architect_Zero", "Architect_Zero",
                "DevOps_Builder", "Architect_Zero");
        assertThat(llm.unmatchedRequests()).isEmpty();
    }
}
