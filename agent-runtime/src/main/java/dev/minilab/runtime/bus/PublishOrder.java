package dev.minilab.runtime.bus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Lets several publishes of one {@link Publisher} be in flight at once without one overtaking another (issue 12,
 * the bus row; issue 16's guarantees unchanged).
 *
 * <p><b>Seqs in batches.</b> A publish asks for a seq; when no reservation is running, its thread reserves seqs for
 * every publish waiting (one pipelined round trip); the others wait for it and find their seq set. Within a batch and
 * from one batch to the next the seqs rise (one connection, Redis runs its commands in order), and each slot gets the
 * next ordinal in seq order.
 *
 * <p><b>Appends in seq order.</b> A publish seals its message on its own thread (the signatures of several publishes
 * are computed in parallel), then sends its append only when every slot with a lower ordinal has sent its own (or
 * given it up, {@link #skip}), without waiting for their answers: the appends reach Redis in seq order, so none is
 * told "stale" because of another publish of this process. A publish overtaken by another process still gets "stale"
 * and reserves again, as before.
 *
 * <p>Waits here are uninterruptible and short (one reservation, the sealing of the publishes ahead): a slot given up
 * half way would stop every later one. An interrupt is kept for the caller.
 */
final class PublishOrder {

    /** One reserved seq and its place in the order appends are sent in. */
    static final class Slot {
        private long seq;
        private long ordinal = -1;
        private RuntimeException failure;

        long seq() {
            return seq;
        }
    }

    private final Object lock = new Object();
    private final ArrayDeque<Slot> waiting = new ArrayDeque<>();
    private boolean reserving;
    private long nextOrdinal;
    /** The ordinal whose append may be sent now. */
    private long turn;

    /**
     * Returns a slot with a reserved seq; {@code reserveAll} reserves {@code n} seqs (rising) for a batch and may
     * throw, then every publish of the batch fails with that exception.
     */
    Slot reserve(IntFunction<long[]> reserveAll) {
        Slot slot = new Slot();
        List<Slot> batch;
        boolean interrupted = false;
        synchronized (lock) {
            waiting.add(slot);
            while (true) {
                if (slot.ordinal >= 0 || slot.failure != null) {
                    return done(slot, interrupted);
                }
                if (!reserving) {
                    reserving = true;
                    batch = new ArrayList<>(waiting);
                    waiting.clear();
                    break;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        long[] seqs = null;
        RuntimeException failure = null;
        try {
            seqs = reserveAll.apply(batch.size());
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            synchronized (lock) {
                if (seqs == null) {
                    RuntimeException cause = failure != null ? failure
                            : BusException.commandFailed("reserve seq", new IllegalStateException("reservation failed"));
                    batch.forEach(s -> s.failure = cause);
                } else {
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).seq = seqs[i];
                    }
                    batch.sort(Comparator.comparingLong(s -> s.seq));
                    batch.forEach(s -> s.ordinal = nextOrdinal++);
                }
                reserving = false;
                lock.notifyAll();
            }
        }
        return done(slot, interrupted);
    }

    private static Slot done(Slot slot, boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (slot.failure != null) {
            throw slot.failure;
        }
        return slot;
    }

    /** Waits for {@code slot}'s turn, runs {@code send} (which must only send, not wait) and passes the turn on. */
    <T> T inTurn(Slot slot, Supplier<T> send) {
        awaitTurn(slot);
        try {
            return send.get();
        } finally {
            passTurn();
        }
    }

    /** Gives up {@code slot}'s turn without sending (sealing failed); later slots go on. */
    void skip(Slot slot) {
        awaitTurn(slot);
        passTurn();
    }

    private void awaitTurn(Slot slot) {
        boolean interrupted = false;
        synchronized (lock) {
            while (turn != slot.ordinal) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void passTurn() {
        synchronized (lock) {
            turn++;
            lock.notifyAll();
        }
    }
}
