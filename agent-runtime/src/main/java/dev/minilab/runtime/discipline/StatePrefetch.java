package dev.minilab.runtime.discipline;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A read of {@code request_state} sent ahead of the LLM call that needs it (issue 12): when a tool call ends, the read
 * goes out at once and the step's remaining work (redaction, the context, the request's JSON) overlaps its round
 * trip; the next {@link #take} uses the answer instead of a synchronous read. A prefetch is used once, and only while
 * it is fresh ({@link #FRESH} since it was sent): after a long pause (a tool that ran long, a slow context) the state
 * is read again, so a halt declared meanwhile by another agent is seen as before. A failed or unanswered prefetch
 * also falls back to the synchronous read, which fails closed.
 */
final class StatePrefetch {

    /** How old a prefetched state may be when the call starts. */
    static final Duration FRESH = Duration.ofMillis(100);

    private record Sent(long sentNanos, CompletableFuture<RequestState> state) {
    }

    private final Supplier<CompletableFuture<RequestState>> asyncRead;
    private final Supplier<RequestState> syncRead;
    private final LongSupplier nanoTime;
    private final AtomicReference<Sent> pending = new AtomicReference<>();

    StatePrefetch(Supplier<CompletableFuture<RequestState>> asyncRead, Supplier<RequestState> syncRead,
                  LongSupplier nanoTime) {
        this.asyncRead = Objects.requireNonNull(asyncRead, "asyncRead");
        this.syncRead = Objects.requireNonNull(syncRead, "syncRead");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Sends a read now for the next {@link #take} (replacing an unused one); never throws. */
    void send() {
        long now = nanoTime.getAsLong();
        CompletableFuture<RequestState> state;
        try {
            state = asyncRead.get();
        } catch (RuntimeException e) {
            state = CompletableFuture.failedFuture(e);
        }
        pending.set(new Sent(now, state));
    }

    /** The clock's now, to stamp a synchronous read with when it was sent (for {@link #offer}). */
    long now() {
        return nanoTime.getAsLong();
    }

    /**
     * Offers a state read synchronously (the turn's refusal check), sent at {@code sentNanos} ({@link #now}), to the
     * next {@link #take}.
     */
    void offer(RequestState state, long sentNanos) {
        pending.set(new Sent(sentNanos, CompletableFuture.completedFuture(state)));
    }

    /** Forgets an unused prefetch (a new request started: its reset must be seen). */
    void forget() {
        pending.set(null);
    }

    /**
     * The state for the call about to start: the prefetched one when it was sent less than {@link #FRESH} ago and
     * has arrived (waiting for it no longer than that), else a synchronous read (which may throw).
     */
    RequestState take() {
        Sent sent = pending.getAndSet(null);
        if (sent != null) {
            long left = FRESH.toNanos() - (nanoTime.getAsLong() - sent.sentNanos());
            if (left > 0) {
                try {
                    return sent.state().get(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    // fall through: read it now
                }
            }
        }
        return syncRead.get();
    }
}
