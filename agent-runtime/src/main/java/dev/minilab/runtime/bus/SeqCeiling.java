package dev.minilab.runtime.bus;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Refuses a message whose seq is above {@code chat_seq} (issue 17 finding 3): every genuine message is numbered by
 * {@code INCR chat_seq} before it is signed and published, so a higher seq was never handed out, and taking it would
 * raise the receiver's progress past messages still to come (a stolen signing key could make an agent skip them).
 *
 * <p>The ceiling is cached: {@code chat_seq} is read again only for a seq above the cached value, so the common case
 * (a seq at or below a value seen before) costs no Redis call.
 */
final class SeqCeiling {

    private final String counterName;
    private final LongSupplier currentSeq;
    private final AtomicLong ceiling = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param counterName the counter's key, for the refusal reason
     * @param currentSeq  reads {@code chat_seq} now (may throw when Redis cannot be read)
     */
    SeqCeiling(String counterName, LongSupplier currentSeq) {
        this.counterName = counterName;
        this.currentSeq = currentSeq;
    }

    /** Returns why {@code message} must be refused (its seq was never handed out, or cannot be checked), or empty. */
    Optional<String> rejection(Message message) {
        long seq = message.seq();
        if (seq <= ceiling.get()) {
            return Optional.empty(); // also every message without a seq (0)
        }
        long current;
        try {
            current = currentSeq.getAsLong();
        } catch (RuntimeException e) {
            return Optional.of("cannot read " + counterName + " to check its seq " + seq + " (" + e.getMessage() + ")");
        }
        long known = ceiling.accumulateAndGet(current, Math::max);
        if (seq > known) {
            return Optional.of("its seq " + seq + " is above " + counterName + " (" + known
                    + "): no message was ever given that seq (a forged or replayed number)");
        }
        return Optional.empty();
    }

    /**
     * Raises the cached ceiling ahead of {@link #rejection} when {@code message}'s seq is above it (a receiver does
     * this off its delivery thread, in parallel with other work); decides nothing. One read at a time: while one is
     * running, others skip (the in-order {@code rejection} reads when it still has to).
     */
    void prefetch(Message message) {
        if (message.seq() <= ceiling.get() || !reading.compareAndSet(false, true)) {
            return;
        }
        try {
            ceiling.accumulateAndGet(currentSeq.getAsLong(), Math::max);
        } catch (RuntimeException e) {
            // the in-order check reads again and reports it
        } finally {
            reading.set(false);
        }
    }
}
