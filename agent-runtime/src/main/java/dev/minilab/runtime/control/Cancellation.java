package dev.minilab.runtime.control;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot cancellation signal for one agent turn.
 *
 * <p>STOP cancels the token of the running turn: the in-flight LLM call is abandoned and every process tree a tool
 * started is killed through the callbacks registered here. A token never un-cancels; a new turn gets a new token.
 */
public final class Cancellation {

    private static final Logger LOG = LoggerFactory.getLogger(Cancellation.class);

    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

    /** Returns a token that is never cancelled by anyone but its holder (for tests and one-off calls). */
    public static Cancellation create() {
        return new Cancellation();
    }

    /** Cancels this token and runs every registered callback once; later calls do nothing. */
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            for (Runnable callback : callbacks) {
                runQuietly(callback);
            }
        }
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Throws {@link CancelledException} when this token has been cancelled. */
    public void throwIfCancelled() {
        if (cancelled.get()) {
            throw new CancelledException();
        }
    }

    /**
     * Registers {@code callback} to run on cancellation (at once when already cancelled).
     *
     * @return a handle that unregisters the callback, for work that finished before any STOP
     */
    public Registration onCancel(Runnable callback) {
        callbacks.add(callback);
        if (cancelled.get() && callbacks.remove(callback)) {
            runQuietly(callback);
        }
        return () -> callbacks.remove(callback);
    }

    private static void runQuietly(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("A cancellation callback failed; continuing with the others", e);
        }
    }

    /** Unregisters a callback. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
