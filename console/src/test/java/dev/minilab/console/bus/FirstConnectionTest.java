package dev.minilab.console.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.bus.BusException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The console's first Redis connection: retried with a deadline, reported once, a wrong password not retried. */
class FirstConnectionTest {

    private final AtomicLong now = new AtomicLong();
    private final List<String> notes = new ArrayList<>();
    private final List<Duration> pauses = new ArrayList<>();

    private <T> FirstConnection<T> connection(Supplier<T> attempt, Duration wait) {
        return new FirstConnection<>(attempt, wait, "redis-broker:6379", notes::add, now::get, d -> {
            pauses.add(d);
            now.addAndGet(d.toNanos());
        });
    }

    private static BusException refused() {
        return BusException.unreachable("redis-broker:6379", new ConnectException("Connection refused"));
    }

    @Test
    void aRedisThatAnswersOnTheThirdAttemptIsConnectedWithOneNoteWhileWaitingAndOneAfter() {
        AtomicInteger calls = new AtomicInteger();

        String bus = connection(() -> {
            if (calls.incrementAndGet() < 3) {
                throw refused();
            }
            return "bus";
        }, Duration.ofSeconds(60)).connect();

        assertThat(bus).isEqualTo("bus");
        assertThat(calls).hasValue(3);
        assertThat(pauses).containsExactly(FirstConnection.PAUSE, FirstConnection.PAUSE);
        assertThat(notes).containsExactly(
                "Redis at redis-broker:6379 does not answer yet (Connection refused); retrying for up to 60 s "
                        + "(REDIS_CONNECT_WAIT_SECONDS)",
                "connected to Redis at redis-broker:6379 after 3 attempts in 2 s");
    }

    @Test
    void aRedisThatNeverAnswersFailsAtTheDeadlineSayingHowLongItTried() {
        AtomicInteger calls = new AtomicInteger();
        FirstConnection<String> connection = connection(() -> {
            calls.incrementAndGet();
            now.addAndGet(Duration.ofSeconds(4).toNanos()); // each attempt waits for its connect timeout
            throw refused();
        }, Duration.ofSeconds(20));

        assertThatThrownBy(connection::connect).isInstanceOf(BusException.class)
                .hasMessageStartingWith("cannot reach Redis at redis-broker:6379 (gave up after 5 attempts in 24 s; "
                        + "REDIS_CONNECT_WAIT_SECONDS=20): Connection refused")
                .hasMessageContaining("start Redis or set REDIS_HOST/REDIS_PORT");
        assertThat(calls).hasValue(5);
        assertThat(now.get()).as("stops at the first attempt ending 20 s or more after the first failure (at 4 s)")
                .isEqualTo(Duration.ofSeconds(24).toNanos());
        assertThat(notes).hasSize(1);
    }

    @Test
    void zeroSecondsMeansOneAttemptAndTheOriginalError() {
        BusException first = refused();
        FirstConnection<String> connection = connection(() -> {
            throw first;
        }, Duration.ZERO);

        assertThatThrownBy(connection::connect).isSameAs(first);
        assertThat(pauses).isEmpty();
        assertThat(notes).isEmpty();
    }

    @Test
    void aWrongPasswordIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        BusException wrongPassword = BusException.unreachable("redis-broker:6379",
                new IllegalStateException("WRONGPASS invalid username-password pair or user is disabled."));
        FirstConnection<String> connection = connection(() -> {
            calls.incrementAndGet();
            throw wrongPassword;
        }, Duration.ofSeconds(60));

        assertThatThrownBy(connection::connect).isSameAs(wrongPassword);
        assertThat(calls).hasValue(1);
        assertThat(pauses).isEmpty();
    }
}
