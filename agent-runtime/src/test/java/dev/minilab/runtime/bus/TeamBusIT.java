package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class TeamBusIT {

    private final RedisServer redis;
    private TeamBus bus;
    private BusKeys keys;

    TeamBusIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void connect() {
        keys = new BusKeys(redis.namespace() + UUID.randomUUID() + ":");
        bus = TeamBus.connect(new BusSettings(redis.uri(), 5, keys, Duration.ofSeconds(5)));
    }

    @AfterEach
    void close() {
        bus.close();
    }

    @Test
    void publishAssignsIncreasingSeqAndDeliversToSubscribers() {
        List<Message> received = new CopyOnWriteArrayList<>();
        bus.subscribe(received::add);

        Message first = bus.publish(Message.chat("User", "one"));
        Message second = bus.publish(Message.chat("Architect_Zero", "two"));

        assertThat(second.seq()).isGreaterThan(first.seq()).isPositive();
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(received).extracting(Message::content).containsExactly("one", "two");
        assertThat(received.getFirst()).isEqualTo(first);
    }

    @Test
    void liveMessagesWaitUntilTheCatchUpAtSubscriptionHasRun() throws Exception {
        // Issue 16 finding 2: the resume ran on the caller's thread while live messages ran on the delivery thread.
        CountDownLatch release = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        List<Message> elsewhere = new CopyOnWriteArrayList<>();
        bus.subscribe(elsewhere::add);
        try (TeamBus agentBus = TeamBus.connect(new BusSettings(redis.uri(), 5, keys, Duration.ofSeconds(5)))) {
            CompletableFuture<Void> caughtUp = agentBus.subscribe(m -> events.add("live " + m.content()), () -> {
                events.add("catch-up start");
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                events.add("catch-up end");
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("catch-up start"));

            bus.publish(Message.chat("User", "during"));
            await().atMost(Duration.ofSeconds(5)).until(() -> elsewhere.size() == 1);
            assertThat(events).containsExactly("catch-up start");
            release.countDown();

            caughtUp.get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 3);
            assertThat(events).containsExactly("catch-up start", "catch-up end", "live during");
        }
    }

    @Test
    void usageFromTwoProcessesOfOneRoleLosesNoCount() throws Exception {
        // Issue 16 finding 6: UsageMeter read the JSON, added, and wrote it back; concurrent writers lost counts.
        try (TeamBus otherProcess = TeamBus.connect(new BusSettings(redis.uri(), 5, keys, Duration.ofSeconds(5)))) {
            var meters = List.of(new dev.minilab.runtime.llm.UsageMeter(bus, "QA_Tester"),
                    new dev.minilab.runtime.llm.UsageMeter(otherProcess, "QA_Tester"));
            List<Thread> threads = new java.util.ArrayList<>();
            for (var meter : meters) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 200; i++) {
                        meter.record("m", new dev.langchain4j.model.output.TokenUsage(3, 2));
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }

        assertThat(bus.usage(List.of("QA_Tester"))).containsEntry("QA_Tester|m|calls", "400").containsEntry("QA_Tester|m|input", "1200")
                .containsEntry("QA_Tester|m|output", "800");
    }

    @Test
    void progressIsOnlyEverRaised() {
        redis.command("SET", keys.sequence(), "10"); // ten seqs handed out
        assertThat(bus.saveProgress("QA_Tester", 10)).isTrue();
        assertThat(bus.saveProgress("QA_Tester", 5)).isFalse();
        assertThat(bus.progress("QA_Tester")).hasValue(10);

        redis.command("HSET", keys.progress("QA_Tester"), "seq", "garbage");
        assertThat(bus.saveProgress("QA_Tester", 3)).isTrue();
        assertThat(bus.progress("QA_Tester")).hasValue(3);
    }

    @Test
    void progressAboveChatSeqIsRefusedByTheFunction() {
        redis.command("SET", keys.sequence(), "7");
        assertThatThrownBy(() -> bus.saveProgress("QA_Tester", 8)).hasMessageContaining("ERR minilab: seq 8");
        assertThat(bus.progress("QA_Tester")).isEmpty();
        assertThat(bus.saveProgress("QA_Tester", 7)).isTrue();
    }

    @Test
    void historyReadsReturnTheWindowAndOnlyTheUserSideTrims() {
        for (int i = 1; i <= 12; i++) {
            bus.publish(Message.chat("Architect_Zero", "m" + i));
        }
        // agents do not trim (their Redis users have no LTRIM): the list is longer, reads still get the window
        assertThat(redis.command("LLEN", keys.history())).isEqualTo(12L);
        assertThat(bus.history(100)).extracting(Message::content).containsExactly("m8", "m9", "m10", "m11", "m12");
        assertThat(bus.historySince(0)).extracting(Message::content).containsExactly("m8", "m9", "m10", "m11", "m12");

        // the User's publish trims to the window; so does the console's trimHistory
        bus.publish(Message.chat(Message.USER, "u13"));
        assertThat(redis.command("LLEN", keys.history())).isEqualTo(5L);
        assertThat(bus.history(100)).extracting(Message::content).containsExactly("m9", "m10", "m11", "m12", "u13");
        bus.publish(Message.chat("Architect_Zero", "m14"));
        bus.trimHistory();
        assertThat(redis.command("LLEN", keys.history())).isEqualTo(5L);
        assertThat(bus.history(5)).extracting(Message::content).containsExactly("m10", "m11", "m12", "u13", "m14");
    }

    @Test
    void statusMessagesAreSentButNotKeptInTheHistory() {
        bus.publish(Message.status("QA_Tester", "halted"));

        assertThat(bus.history(10)).isEmpty();
    }

    @Test
    void userMessagesArePinnedAndClearingForgetsThem() {
        bus.publish(Message.chat("User", "build a VM"));
        bus.publish(Message.chat("Architect_Zero", "@DevOps_Builder build a VM"));

        assertThat(bus.pinnedRequirements()).extracting(Message::content).containsExactly("build a VM");

        bus.clearConversation();

        assertThat(bus.pinnedRequirements()).isEmpty();
        assertThat(bus.history(10)).isEmpty();
    }

    @Test
    void malformedPayloadsAreSkippedAndDeliveryGoesOn() {
        List<Message> received = new CopyOnWriteArrayList<>();
        bus.subscribe(received::add);

        redis.command("PUBLISH", keys.channel(), "{not json");
        redis.command("PUBLISH", keys.channel(), "{\"sender\":42,\"content\":\"x\"}");
        redis.command("PUBLISH", keys.channel(), "{\"sender\":\"User\",\"content\":\"original form\",\"timestamp\":\"2025-01-01T00:00:00\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertThat(received.getFirst().content()).isEqualTo("original form");
    }

    @Test
    void oneFailingListenerDoesNotStopTheOthers() {
        List<Message> received = new CopyOnWriteArrayList<>();
        bus.subscribe(message -> {
            throw new IllegalStateException("listener bug");
        });
        bus.subscribe(received::add);

        bus.publish(Message.chat("User", "hello"));
        bus.publish(Message.chat("User", "again"));

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
    }

    @Test
    void thinkNotesArriveOnlyOnTheThinkChannel() {
        List<Message> messages = new CopyOnWriteArrayList<>();
        List<ThinkNote> notes = new CopyOnWriteArrayList<>();
        bus.subscribe(new BusListener() {
            @Override
            public void onMessage(Message message) {
                messages.add(message);
            }

            @Override
            public void onThink(ThinkNote note) {
                notes.add(note);
            }
        });

        bus.publishThink("DevOps_Builder", "I should check the plan first");
        bus.publish(Message.chat("User", "marker"));

        await().atMost(Duration.ofSeconds(5)).until(() -> messages.size() == 1 && notes.size() == 1);
        assertThat(notes.getFirst().content()).isEqualTo("I should check the plan first");
        assertThat(messages).extracting(Message::content).containsExactly("marker");
        assertThat(bus.history(10)).extracting(Message::content).containsExactly("marker");
    }

    @Test
    void unreachableBrokerFailsWithAHowToFixMessage() {
        int closedPort = dev.minilab.testkit.FreePort.find();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TeamBus.connect(new BusSettings(
                        "redis://127.0.0.1:" + closedPort, 80, BusKeys.DEFAULT, Duration.ofSeconds(2))))
                .isInstanceOf(BusException.class)
                .hasMessageContaining("cannot reach Redis at 127.0.0.1:" + closedPort)
                .hasMessageContaining("REDIS_HOST");
    }
}
