package dev.minilab.runtime.discipline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The state check before an LLM call uses a prefetched read only once and only while it is fresh. */
class StatePrefetchTest {

    private static final RequestState OPEN = RequestState.from(Map.of("tokens", "1"));
    private static final RequestState HALTED = RequestState.from(Map.of("halted", "hops", "tokens", "2"));

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger syncReads = new AtomicInteger();
    private CompletableFuture<RequestState> nextAsync = CompletableFuture.completedFuture(OPEN);

    private final StatePrefetch prefetch = new StatePrefetch(() -> nextAsync, () -> {
        syncReads.incrementAndGet();
        return HALTED;
    }, clock::get);

    @Test
    void aFreshPrefetchSavesTheSynchronousReadOnce() {
        prefetch.send();
        clock.addAndGet(StatePrefetch.FRESH.toNanos() / 2);

        assertThat(prefetch.take()).isSameAs(OPEN);
        assertThat(syncReads).hasValue(0);
        assertThat(prefetch.take()).isSameAs(HALTED); // used once: the next call reads again
        assertThat(syncReads).hasValue(1);
    }

    @Test
    void aStalePrefetchIsReadAgain() {
        prefetch.send();
        clock.addAndGet(StatePrefetch.FRESH.toNanos() + 1);

        assertThat(prefetch.take()).isSameAs(HALTED);
        assertThat(syncReads).hasValue(1);
    }

    @Test
    void aFailedPrefetchFallsBackToTheSynchronousRead() {
        nextAsync = CompletableFuture.failedFuture(new IllegalStateException("connection reset"));
        prefetch.send();

        assertThat(prefetch.take()).isSameAs(HALTED);
        assertThat(syncReads).hasValue(1);
    }

    @Test
    void aPrefetchThatCannotBeSentFallsBackToTheSynchronousRead() {
        StatePrefetch broken = new StatePrefetch(() -> {
            throw new IllegalStateException("not connected");
        }, () -> HALTED, clock::get);
        broken.send();

        assertThat(broken.take()).isSameAs(HALTED);
    }

    @Test
    void anOfferedReadCountsFromWhenItWasSent() {
        long sent = prefetch.now();
        clock.addAndGet(StatePrefetch.FRESH.toNanos() + 1); // the loop check and the context took long
        prefetch.offer(OPEN, sent);

        assertThat(prefetch.take()).isSameAs(HALTED);
    }

    @Test
    void aForgottenPrefetchIsNotUsed() {
        prefetch.send();
        prefetch.forget(); // a new User request reset the counters after it was sent

        assertThat(prefetch.take()).isSameAs(HALTED);
        assertThat(syncReads).hasValue(1);
    }

    @Test
    void withoutAPrefetchTheStateIsReadNow() {
        assertThat(prefetch.take()).isSameAs(HALTED);
        assertThat(syncReads).hasValue(1);
    }
}
