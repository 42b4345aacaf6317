package dev.minilab.runtime.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.agent.AgentHooks;
import dev.minilab.runtime.agent.AgentState;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageCodec;
import dev.minilab.runtime.bus.MessageGuard;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A STOP whose "handled" mark reached Redis while the reply did not (issue 16): Lettuce re-sends a command that was in
 * flight when its connection dropped, so the mark is written twice. The STOP must run exactly once (not zero times,
 * as when the re-sent mark's "already there" was read as "handled before"; not twice), a duplicate of it must not
 * run, and a new STOP must still run. The agent's Redis traffic goes through a {@link CuttingProxy}, which lets the
 * mark through, drops its reply and then has Redis {@code CLIENT KILL} the connection.
 */
class ControlResendIT {

    private static final String DEVOPS = "DevOps_Builder";

    @RegisterExtension
    final FaultServers servers = FaultServers.withPassword("resend-pw");
    private final RedisServer redis = servers.redis();
    private final ScriptedLlmServer llm = servers.llm();
    private CuttingProxy proxy;
    /** Turns whose LLM reply is held until the test releases it. */
    private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();
    /** Tasks the User has asked for. */
    private final Set<String> sent = ConcurrentHashMap.newKeySet();

    @TempDir
    Path docs;

    @BeforeEach
    void startProxyAndScriptDevOps() {
        proxy = CuttingProxy.start(redis.host(), redis.port());
        llm.when(Rule.forRole(DEVOPS)).reply(request -> {
            String task = Team.taskIn(request);
            CountDownLatch hold = held.get(task);
            if (hold != null) {
                try {
                    hold.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Reply.text("done " + task + " ok");
        });
    }

    @AfterEach
    void releaseTurnsAndStopProxy() {
        held.values().forEach(CountDownLatch::countDown);
        proxy.close();
    }

    @Test
    void aStopWhoseHandledMarkIsSentAgainAfterAReconnectRunsOnceAndANewStopStillRuns() {
        BusKeys keys = new BusKeys(redis.namespace());
        String stopId;
        BusSettings viaProxy = new BusSettings("redis://:resend-pw@127.0.0.1:" + proxy.port(), Team.WINDOW, keys,
                Duration.ofSeconds(10));
        try (Team.Client user = Team.Client.connect(redis, MessageGuard.UNSIGNED);
             Team.RunningAgent devops = Team.startAgent(DEVOPS, viaProxy, llm, MessageGuard.UNSIGNED, docs, null,
                     AgentHooks.NONE)) {
            // given a turn that is running (its LLM reply held)
            startHeldTurn(user, "task-1");

            // when the User's STOP is marked handled in Redis and the connection is cut before the reply comes back
            Message stop = Message.control(ControlCommand.STOP);
            stopId = stop.id();
            String mark = DEVOPS + "|" + stop.id();
            proxy.cutOnceAfter(keys.handledControls(DEVOPS),
                    () -> Long.valueOf(1).equals(redis.command("SISMEMBER", keys.handledControls(DEVOPS), mark)),
                    address -> redis.command("CLIENT", "KILL", "ADDR", address));
            Message sentStop = user.bus().publish(stop);

            // then the STOP runs: the running turn is cancelled and the agent halts, once
            await("the STOP halted the agent").atMost(Duration.ofSeconds(30))
                    .until(() -> devops.agent().state() == AgentState.HALTED);
            assertThat(proxy.cuts()).as("the mark's reply was cut").isEqualTo(1);
            held.get("task-1").countDown();
            answerOf(user, "task-2"); // the User's next request: answered, and the stopped turn is over by now
            assertThat(user.receivedAnswer(DEVOPS, "task-1")).as("the stopped turn published nothing").isFalse();
            assertThat(user.receivedHalts(DEVOPS)).as("one 'halted' for the STOP (published before task-2's answer)")
                    .isEqualTo(1);

            // and a duplicate of the STOP (the same id, live again) drops nothing that came after it
            startHeldTurn(user, "task-3");
            redis.command("PUBLISH", keys.channel(), MessageCodec.encode(sentStop));
            ask(user, "task-4");
            await("task-4 is queued, so the duplicate before it was delivered").atMost(Duration.ofSeconds(30))
                    .until(() -> devops.agent().queued() == 1);
            held.get("task-3").countDown();
            answerOf(user, "task-3");
            answerOf(user, "task-4");
            assertThat(user.receivedHalts(DEVOPS)).as("the duplicate STOP did not run").isEqualTo(1);
            assertThat(devops.agent().state()).isNotEqualTo(AgentState.HALTED);

            // and a new STOP (a new id) still runs
            startHeldTurn(user, "task-5");
            user.bus().publish(Message.control(ControlCommand.STOP));
            await("the new STOP halted the agent").atMost(Duration.ofSeconds(30))
                    .until(() -> devops.agent().state() == AgentState.HALTED);
            held.get("task-5").countDown();
            answerOf(user, "task-6");
            assertThat(user.receivedAnswer(DEVOPS, "task-5")).as("the second stopped turn published nothing").isFalse();
            assertThat(user.receivedHalts(DEVOPS)).isEqualTo(2);
            assertThat(Team.turnsFor(llm, DEVOPS, "task-1")).isEqualTo(1);
            assertThat(Team.turnsFor(llm, DEVOPS, "task-3")).isEqualTo(1);
        }
        // a process that starts later (a restart) still finds the first STOP handled by the role
        try (TeamBus restarted = TeamBus.connect(Team.settings(redis))) {
            assertThat(restarted.markControlHandled(DEVOPS, stopId)).isFalse();
            assertThat(restarted.markControlHandled(DEVOPS, "never-sent")).isTrue();
        }
    }

    /** The User asks for {@code task}; returns once its turn is waiting for the (held) LLM reply. */
    private void startHeldTurn(Team.Client user, String task) {
        held.put(task, new CountDownLatch(1));
        ask(user, task);
        await(task + "'s turn is running").atMost(Duration.ofSeconds(30))
                .until(() -> Team.turnsFor(llm, DEVOPS, task) == 1);
    }

    /** Sends {@code task} unless it was sent, and waits for its answer. */
    private void answerOf(Team.Client user, String task) {
        if (!sent.contains(task)) {
            ask(user, task);
        }
        await(task + " is answered").atMost(Duration.ofSeconds(30)).until(() -> user.receivedAnswer(DEVOPS, task));
    }

    private void ask(Team.Client user, String task) {
        sent.add(task);
        user.bus().publish(Message.chat(Message.USER, "@DevOps_Builder " + task + " please"));
    }
}
