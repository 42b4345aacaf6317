package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16 findings 4 and 5: seq order is history order is delivery order, and a connection dropped in the middle
 * of a publish neither loses the message from the history nor sends it twice.
 */
@ExtendWith(RedisExtension.class)
class AtomicPublishIT {

    private final RedisServer redis;
    private BusSettings settings;
    private TeamBus first;
    private TeamBus second;
    private TeamBus receiver;
    private final Queue<Message> received = new ConcurrentLinkedQueue<>();

    AtomicPublishIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void connect() {
        settings = new BusSettings(redis.uri(), 50, new BusKeys(redis.namespace() + UUID.randomUUID() + ":"),
                Duration.ofSeconds(5));
        first = TeamBus.connect(settings);
        second = TeamBus.connect(settings);
        receiver = TeamBus.connect(settings);
        receiver.subscribe(received::add);
    }

    @AfterEach
    void close() {
        first.close();
        second.close();
        receiver.close();
    }

    @Test
    void aPublisherOvertakenBetweenSeqAndAppendLandsAfterTheOtherWithAHigherSeq() {
        // Finding 4: before, INCR chat_seq and RPUSH/PUBLISH were separate steps, so the second publisher's
        // message (seq s+1) could land before the first's (seq s), and catch-up "seq > highest" skipped s.
        AtomicInteger attempts = new AtomicInteger();
        first.beforeAppend(sealed -> {
            if (attempts.getAndIncrement() == 0) {
                second.publish(Message.chat("QA_Tester", "overtaking"));
            }
        });

        Message sent = first.publish(Message.chat("Architect_Zero", "overtaken"));

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        assertThat(received).extracting(Message::content).containsExactly("overtaking", "overtaken");
        assertThat(received).extracting(Message::seq).isSorted().doesNotHaveDuplicates();
        List<Message> history = receiver.history(50);
        assertThat(history).extracting(Message::content).containsExactly("overtaking", "overtaken");
        assertThat(history).extracting(Message::seq).isSorted().doesNotHaveDuplicates();
        assertThat(sent.seq()).isEqualTo(history.get(1).seq());
        assertThat(attempts).as("the overtaken publish reserved a new seq and appended again").hasValue(2);
    }

    @Test
    void aConnectionKilledBeforeTheAppendIsRetriedOnceAndTheMessageIsKeptAndDeliveredOnce() {
        // Finding 5: before, a drop inside MULTI/EXEC lost the RPUSH and publish() threw after PUBLISH ran.
        AtomicInteger attempts = new AtomicInteger();
        first.beforeAppend(sealed -> {
            if (attempts.getAndIncrement() == 0) {
                redis.command("CLIENT", "KILL", "TYPE", "normal");
            }
        });

        Message sent = first.publish(Message.chat("User", "build a VM"));

        await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(m -> m.id().equals(sent.id())));
        assertThat(attempts).hasValue(2);
        assertThat(receiver.history(50)).extracting(Message::id).containsExactly(sent.id());
        assertThat(receiver.pinnedRequirements()).extracting(Message::id).containsExactly(sent.id());
        // a second copy would come right behind the first; another publish after it proves the channel drained
        Message marker = second.publish(Message.chat("QA_Tester", "marker"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(m -> m.id().equals(marker.id())));
        assertThat(received).extracting(Message::id).containsExactly(sent.id(), marker.id());
    }

    @Test
    void anAppendThatLandedButWhoseAnswerWasLostIsNotAppendedOrPublishedAgain() {
        Message sent = first.publish(Message.chat("Architect_Zero", "once"));

        var again = first.publisher().append(sent, MessageCodec.encode(sent));

        assertThat(again).as("recognised as landed before").containsExactly(0L, MessageCodec.encode(sent));
        Message republished = first.publish(sent.withSeq(0));
        assertThat(republished).as("publishing the same id again gives the message as it landed").isEqualTo(sent);
        Message marker = second.publish(Message.chat("QA_Tester", "marker"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(m -> m.id().equals(marker.id())));
        assertThat(received).extracting(Message::id).containsExactly(sent.id(), marker.id());
        assertThat(receiver.history(50)).extracting(Message::id).containsExactly(sent.id(), marker.id());
    }

    @Test
    void aResetSeqCounterNeverMakesPublishesStaleOrGoBackwards() {
        Message before = first.publish(Message.chat("Architect_Zero", "before"));
        redis.command("DEL", settings.keys().sequence());

        Message after = first.publish(Message.chat("Architect_Zero", "after"));

        assertThat(after.seq()).isGreaterThan(before.seq());
    }

    @Test
    void publishFailsFastWithABusExceptionWhenRedisIsGoneInsteadOfQueueing() {
        org.junit.jupiter.api.Assumptions.assumeTrue(redis.canRestart());
        redis.kill9();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.publish(Message.chat("User", "lost?")))
                    .isInstanceOf(BusException.class);
        } finally {
            redis.restart();
        }
    }
}
