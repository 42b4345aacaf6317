package dev.minilab.runtime.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageGuard;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 item 3 against a real redis-server child (AOF on, appendfsync always) and the scripted LLM: a Redis
 * kill -9 and restart, a cut subscription, and an agent crash lose no message addressed to the agent and handle
 * none twice.
 */
class RedisFaultsIT {

    private static final String DEVOPS = "DevOps_Builder";

    @RegisterExtension
    final FaultServers servers = FaultServers.durable("fault-test-pw");
    private final RedisServer redis = servers.redis();
    private final ScriptedLlmServer llm = servers.llm();

    @TempDir
    Path docs;

    /** DevOps answers "@Architect_Zero done task-N" to the trigger "task-N", after {@code delay}. */
    private void scriptDevOps(Duration delay) {
        llm.when(Rule.forRole(DEVOPS).delay(delay))
                .reply(request -> Reply.text("@Architect_Zero done " + Team.taskIn(request) + " ok"));
    }

    private static Map<String, Long> answerIdsPerTask(List<Message> history) {
        return history.stream()
                .filter(m -> m.sender().equals(DEVOPS) && m.content().startsWith("@Architect_Zero done ")
                        && !m.content().startsWith("@Architect_Zero done unknown")) // Team.barrier's answers
                .collect(Collectors.groupingBy(m -> m.content().split(" ")[2],
                        Collectors.mapping(Message::id, Collectors.collectingAndThen(Collectors.toSet(),
                                s -> (long) s.size()))));
    }

    @Test
    void redisKill9MidConversationLosesNoMessageAndHandlesNoneTwice() throws Exception {
        scriptDevOps(Duration.ofMillis(150));
        int tasks = 20;
        try (Team.RunningAgent devops = Team.startAgent(DEVOPS, redis, llm, MessageGuard.UNSIGNED, docs);
             Team.Client architect = Team.Client.connect(redis, MessageGuard.UNSIGNED)) {
            List<Throwable> publishFailures = new CopyOnWriteArrayList<>();
            CountDownLatch eightSent = new CountDownLatch(8);
            Thread publisher = Thread.ofPlatform().name("test-publisher").start(() -> {
                for (int i = 1; i <= tasks; i++) {
                    try {
                        architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder task-" + i + " please"));
                    } catch (RuntimeException e) {
                        publishFailures.add(e);
                    }
                    eightSent.countDown();
                    sleep(100);
                }
            });

            assertThat(eightSent.await(20, TimeUnit.SECONDS)).isTrue();
            redis.kill9();
            Thread.sleep(1_000);
            redis.restart();
            Instant restarted = Instant.now();

            await("agent resubscribed after the restart").atMost(Duration.ofSeconds(20))
                    .until(() -> !devops.reconnects().isEmpty());
            Duration reconnectTime = Duration.between(restarted, devops.reconnects().peek());
            publisher.join(30_000);
            assertThat(publishFailures).as("every task was published").isEmpty();

            await("every task answered").atMost(Duration.ofSeconds(30))
                    .until(() -> answerIdsPerTask(architect.history()).size() == tasks);
            Team.barrier(architect, llm, DEVOPS); // a duplicate turn, if any, has run by now

            for (int i = 1; i <= tasks; i++) {
                assertThat(Team.turnsFor(llm, DEVOPS, "task-" + i)).as("turns for task-" + i).isEqualTo(1);
            }
            assertThat(answerIdsPerTask(architect.history())).as("one answer per task")
                    .hasSize(tasks).allSatisfy((task, ids) -> assertThat(ids).as(task).isEqualTo(1));
            assertThat(llm.unmatchedRequests()).isEmpty();
            System.out.printf("[RedisFaultsIT] reconnect after restart: %d ms; history entries: %d%n",
                    reconnectTime.toMillis(), architect.history().size());
        }
    }

    @Test
    void messagesPublishedWhileTheAgentsSubscriptionIsCutAreCaughtUpFromHistoryOnce() throws Exception {
        scriptDevOps(Duration.ZERO);
        try (Team.RunningAgent devops = Team.startAgent(DEVOPS, redis, llm, MessageGuard.UNSIGNED, docs);
             Team.Client architect = Team.Client.connect(redis, MessageGuard.UNSIGNED)) {
            architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder task-1 please"));
            await().atMost(Duration.ofSeconds(10)).until(() -> answerIdsPerTask(architect.history()).size() == 1);

            // Cut every pub/sub connection: the agent cannot hear task-2..4 live, only find them in the history.
            redis.command("CLIENT", "KILL", "TYPE", "pubsub");
            for (int i = 2; i <= 4; i++) {
                architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder task-" + i + " please"));
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> !devops.reconnects().isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> answerIdsPerTask(architect.history()).size() == 4);
            Team.barrier(architect, llm, DEVOPS);
            for (int i = 1; i <= 4; i++) {
                assertThat(Team.turnsFor(llm, DEVOPS, "task-" + i)).as("turns for task-" + i).isEqualTo(1);
            }
        }
    }

    @Test
    void stopSentWhileTheAgentsSubscriptionIsCutStillHaltsItAfterTheReconnect() throws Exception {
        llm.when(Rule.forRole(DEVOPS).delay(Duration.ofSeconds(30)))
                .reply(Reply.text("@Architect_Zero answer that STOP must suppress"));
        try (Team.RunningAgent devops = Team.startAgent(DEVOPS, redis, llm, MessageGuard.UNSIGNED, docs);
             Team.Client user = Team.Client.connect(redis, MessageGuard.UNSIGNED)) {
            user.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder task-1 slow one"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Team.turnsFor(llm, DEVOPS, "task-1") == 1);

            redis.command("CLIENT", "KILL", "TYPE", "pubsub");
            user.bus().publish(Message.control(dev.minilab.runtime.bus.ControlCommand.STOP));

            await().atMost(Duration.ofSeconds(20)).until(() -> !devops.reconnects().isEmpty());
            await("halted after catching up the STOP").atMost(Duration.ofSeconds(20))
                    .until(() -> devops.agent().state() == dev.minilab.runtime.agent.AgentState.HALTED);
            assertThat(user.history()).noneMatch(m -> m.content().contains("must suppress"));
        }
    }

    @Test
    void firstStartDoesNotReplayOlderConversationEvenAfterAReconnect() throws Exception {
        scriptDevOps(Duration.ZERO);
        try (Team.Client architect = Team.Client.connect(redis, MessageGuard.UNSIGNED)) {
            architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder task-1 from before the start"));
            try (Team.RunningAgent devops = Team.startAgent(DEVOPS, redis, llm, MessageGuard.UNSIGNED, docs)) {
                redis.command("CLIENT", "KILL", "TYPE", "pubsub");
                await().atMost(Duration.ofSeconds(20)).until(() -> !devops.reconnects().isEmpty());
                architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder task-2 after the start"));

                await().atMost(Duration.ofSeconds(10)).until(() -> Team.turnsFor(llm, DEVOPS, "task-2") == 1);
                Team.barrier(architect, llm, DEVOPS);
                assertThat(Team.turnsFor(llm, DEVOPS, "task-1")).as("pre-start message not replayed").isZero();
                assertThat(architect.received()).noneMatch(m -> m.content().contains("restarted"));
            }
        }
    }

    @Test
    void agentCrashedMidTurnResumesFromItsProgressAnnouncesTheRestartAndHandlesThePendingMessageOnce()
            throws Exception {
        llm.when(Rule.forRole(DEVOPS).lastMessageContains("task-2 ").delay(Duration.ofSeconds(30)).once())
                .reply(Reply.text("@Architect_Zero late answer that must never be published"));
        scriptDevOps(Duration.ZERO);
        try (Team.Client architect = Team.Client.connect(redis, MessageGuard.UNSIGNED)) {
            Team.RunningAgent first = Team.startAgent(DEVOPS, redis, llm, MessageGuard.UNSIGNED, docs);
            architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder task-1 please"));
            await().atMost(Duration.ofSeconds(10)).until(() -> answerIdsPerTask(architect.history()).size() == 1);
            architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder task-2 please"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Team.turnsFor(llm, DEVOPS, "task-2") == 1);

            first.close(); // the crash: the turn for task-2 never finishes, no progress is recorded for it
            architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder task-3 please"));

            try (Team.RunningAgent second = Team.startAgent(DEVOPS, redis, llm, MessageGuard.UNSIGNED, docs)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> answerIdsPerTask(architect.history()).size() == 3);
                Team.barrier(architect, llm, DEVOPS);
                assertThat(second.agent().name()).isEqualTo(DEVOPS);
            }
            assertThat(architect.received()).filteredOn(m -> m.kind() == MessageKind.STATUS)
                    .extracting(Message::content)
                    .anyMatch(c -> c.startsWith("DevOps_Builder restarted: resuming after seq ")
                            && c.contains("2 pending message(s)"));
            assertThat(Team.turnsFor(llm, DEVOPS, "task-1")).as("finished work is not repeated").isEqualTo(1);
            assertThat(Team.turnsFor(llm, DEVOPS, "task-2")).as("the interrupted turn runs again once").isEqualTo(2);
            assertThat(Team.turnsFor(llm, DEVOPS, "task-3")).isEqualTo(1);
            assertThat(answerIdsPerTask(architect.history())).containsOnlyKeys("task-1", "task-2", "task-3")
                    .allSatisfy((task, ids) -> assertThat(ids).as(task).isEqualTo(1));
            assertThat(architect.history()).noneMatch(m -> m.content().contains("late answer"));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
