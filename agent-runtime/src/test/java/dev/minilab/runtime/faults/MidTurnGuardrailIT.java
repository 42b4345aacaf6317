package dev.minilab.runtime.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageGuard;
import dev.minilab.runtime.bus.RedisAcl;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.discipline.DisciplineKeys;
import dev.minilab.runtime.discipline.DisciplineSettings;
import dev.minilab.runtime.discipline.TeamDiscipline;
import dev.minilab.runtime.metrics.AgentMetrics;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guardrails' state read before an LLM call inside a running turn, with the real TeamDiscipline around the model:
 * the agent's ACL user loses HGETALL after the turn's first LLM call, so the second call's check cannot read
 * {@code request_state}. It used to refuse the call and end the turn "halted" with nothing on the bus.
 */
class MidTurnGuardrailIT {

    private static final String DEVOPS = "DevOps_Builder";

    @RegisterExtension
    final FaultServers servers = FaultServers.durable("mid-turn-pw");
    private final RedisServer redis = servers.redis();
    private final ScriptedLlmServer llm = servers.llm();

    @TempDir
    Path docs;

    @Test
    void aStateReadThatFailsInsideATurnIsRetriedAndTheTurnCompletes() {
        withGuardedDevops("@DevOps_Builder task-2 during a failover", user -> {
            await("the failing mid-turn guardrail read is reported").atMost(Duration.ofSeconds(30))
                    .until(() -> user.busStatus(DEVOPS).contains("guardrail read retrying"));
            assertThat(llm.requestsFor(DEVOPS)).as("the second call waits for its guardrails").hasSize(1);
            redis.command("ACL", "SETUSER", RedisAcl.username(DEVOPS), "+hgetall");

            await("the retried read lets the turn finish").atMost(Duration.ofSeconds(30))
                    .until(() -> user.history().stream().anyMatch(m -> m.sender().equals(DEVOPS)
                            && m.content().contains("done task-2 ")));
            await("the report is withdrawn").atMost(Duration.ofSeconds(10))
                    .until(() -> user.busStatus(DEVOPS).isEmpty());
            assertThat(llm.requestsFor(DEVOPS)).as("each LLM call made once").hasSize(2);
            assertThat(user.history()).as("no 'my turn failed' escalation")
                    .noneMatch(m -> m.sender().equals(DEVOPS) && m.content().contains("turn failed"));
        });
    }

    @Test
    void aStateThatNeverAnswersInsideATurnFailsItWithAReportInsteadOfASilentHalt() {
        withGuardedDevops("@DevOps_Builder task-2 while Redis is gone", user -> { // HGETALL never comes back
            await("the failing mid-turn guardrail read is reported").atMost(Duration.ofSeconds(30))
                    .until(() -> user.busStatus(DEVOPS).contains("guardrail read retrying"));
            await("the turn fails with a report to the escalation target").atMost(Duration.ofSeconds(90))
                    .until(() -> user.history().stream().anyMatch(m -> m.sender().equals(DEVOPS)
                            && m.content().startsWith("@Architect_Zero my turn failed")
                            && m.content().contains("request_state")));
            assertThat(llm.requestsFor(DEVOPS)).as("no LLM call without its guardrails").hasSize(1);
            await("the retrying report is withdrawn").atMost(Duration.ofSeconds(10))
                    .until(() -> user.busStatus(DEVOPS).isEmpty());
        });
    }

    /**
     * Starts DevOps_Builder behind the real TeamDiscipline as its own ACL user, scripted so that its first LLM call
     * answers with a tool call and meanwhile takes HGETALL away (the check before the second call then cannot read
     * {@code request_state}), publishes {@code request} to it and runs {@code body} with the User's client.
     */
    private void withGuardedDevops(String request, java.util.function.Consumer<Team.Client> body) {
        llm.when(Rule.forRole(DEVOPS).lastMessageRole("user")).reply(r -> {
            redis.command("ACL", "SETUSER", RedisAcl.username(DEVOPS), "-hgetall");
            return Reply.toolCall("look_around", "{}");
        });
        llm.when(Rule.forRole(DEVOPS).lastMessageRole("tool")).reply(Reply.text("@Architect_Zero done task-2 ok"));
        BusSettings own = asOwnAclUser(DEVOPS);
        try (Team.Client user = Team.Client.connect(redis, MessageGuard.UNSIGNED);
             TeamBus guardrailBus = TeamBus.connect(own, MessageGuard.UNSIGNED)) {
            TeamDiscipline discipline = new TeamDiscipline(DEVOPS, "Architect_Zero", List.of("Architect_Zero",
                    "Security_Sentinel", DEVOPS, "QA_Tester"), DisciplineSettings.defaults(), guardrailBus,
                    new AgentMetrics(DEVOPS), UnaryOperator.identity());
            try (Team.RunningAgent devops = Team.startGuardedAgent(DEVOPS, own, llm, MessageGuard.UNSIGNED, docs,
                    discipline)) {
                user.bus().publish(Message.chat("Architect_Zero", request));
                body.accept(user);
            }
        }
    }


    /** Bus settings of {@code agent} as its own ACL user (as the launcher makes it): the test can take rights away. */
    private BusSettings asOwnAclUser(String agent) {
        BusKeys keys = new BusKeys(redis.namespace());
        List<String> args = new ArrayList<>(List.of("ACL", "SETUSER"));
        String line = RedisAcl.userLine(agent, "agent-pw", keys, false, DisciplineKeys.of(keys).all());
        args.addAll(Arrays.asList(line.substring("user ".length()).split(" ")));
        redis.command(args.toArray(String[]::new));
        return new BusSettings("redis://" + RedisAcl.username(agent) + ":agent-pw@" + redis.host() + ":"
                + redis.port(), Team.WINDOW, keys, Duration.ofSeconds(5));
    }
}
