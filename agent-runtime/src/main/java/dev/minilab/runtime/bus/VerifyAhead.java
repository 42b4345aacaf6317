package dev.minilab.runtime.bus;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that decode and verify live bus payloads ahead of their delivery (issue 12, the bus row): an Ed25519
 * verification costs far more than anything else a delivery does, and the one delivery thread would otherwise do
 * them one after the other on one core. The delivery thread still takes every payload in arrival order and makes
 * every decision there; a payload no verifier has started yet is done by the delivery thread itself, so nothing waits
 * for a verifier to wake up.
 *
 * <p>As many threads as the machine has processors (at most 4), started on demand and ended after a second idle; a
 * bounded backlog (what does not fit is left to the delivery thread).
 */
final class VerifyAhead implements AutoCloseable {

    /** Payloads queued ahead at most; the verifier memory (2,048 signatures) must hold them until delivered. */
    static final int BACKLOG = 512;

    private final ThreadPoolExecutor pool;

    VerifyAhead() {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(BACKLOG), r -> {
            Thread thread = new Thread(r, "bus-verify");
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.DiscardPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /** Starts {@code work} on a verifier when one is free or the backlog has room; else leaves it to the caller. */
    void ahead(Runnable work) {
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            // closed: the delivery thread (if still running) does the work itself
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
