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
}
