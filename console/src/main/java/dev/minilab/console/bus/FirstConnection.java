package dev.minilab.console.bus;

import dev.minilab.runtime.bus.BusException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The console's first connection to Redis, retried until a deadline counted from the first failure: under Compose
 * the console can start while Redis is still loading its append-only file or the machine is too loaded to answer
 * within the connect timeout. The first failure is reported once, with how long the console keeps trying; a wrong
 * password is not retried (it will not get better); when the deadline passes the last error is thrown with the time
 * and number of attempts added. After this first connection, reconnecting is the bus's own job (auto-reconnect).
 *
 * @param <T> what a successful attempt returns (the connected bus)
 */
public final class FirstConnection<T> {

    /** Pause between two attempts (each attempt itself may take up to the connect timeout). */
    public static final Duration PAUSE = Duration.ofSeconds(1);

    /** Sleeps for the given time; a test passes one that advances its own clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Supplier<T> attempt;
    private final Duration wait;
    private final String where;
    private final Consumer<String> note;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    /**
     * @param attempt  one connection attempt; throws {@link BusException} when Redis cannot be reached
     * @param wait     how long to keep trying after the first failure ({@code 0}: one attempt only)
     * @param where    Redis's address for messages (never the password)
     * @param note     receives the one line said when the first attempt fails, and the line after a late success
     * @param nanoTime the clock ({@link System#nanoTime} outside tests)
     * @param sleeper  the pause between attempts ({@link Thread#sleep} outside tests)
     */
    public FirstConnection(Supplier<T> attempt, Duration wait, String where, Consumer<String> note,
                           LongSupplier nanoTime, Sleeper sleeper) {
        this.attempt = Objects.requireNonNull(attempt, "attempt");
        this.wait = Objects.requireNonNull(wait, "wait");
        this.where = Objects.requireNonNull(where, "where");
        this.note = Objects.requireNonNull(note, "note");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** With the system clock and {@link Thread#sleep}. */
    public static <T> FirstConnection<T> of(Supplier<T> attempt, Duration wait, String where, Consumer<String> note) {
        return new FirstConnection<>(attempt, wait, where, note, System::nanoTime, d -> Thread.sleep(d.toMillis()));
    }

    /**
     * Connects, retrying until {@code wait} has passed since the first failure.
     *
     * @throws BusException the last failure, when the deadline passed, the password was refused, or the thread was
     *                      interrupted
     */
    public T connect() {
        long start = nanoTime.getAsLong();
        long firstFailure = 0;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                T connected = attempt.get();
                if (attempts > 1) {
                    note.accept("connected to Redis at " + where + " after " + attempts + " attempts in "
                            + seconds(nanoTime.getAsLong() - start) + " s");
                }
                return connected;
            } catch (BusException e) {
                long now = nanoTime.getAsLong();
                if (attempts == 1) {
                    firstFailure = now;
                }
                if (refusedCredentials(e) || now - firstFailure >= wait.toNanos()) {
                    throw attempts == 1 ? e : BusException.unreachable(where + " (gave up after " + attempts
                            + " attempts in " + seconds(now - start) + " s; REDIS_CONNECT_WAIT_SECONDS="
                            + wait.toSeconds() + ")", e.getCause() != null ? e.getCause() : e);
                }
                if (attempts == 1) {
                    note.accept("Redis at " + where + " does not answer yet (" + reason(e) + "); retrying for up to "
                            + wait.toSeconds() + " s (REDIS_CONNECT_WAIT_SECONDS)");
                }
                try {
                    sleeper.sleep(PAUSE);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** A wrong password or user: retrying will not help. */
    static boolean refusedCredentials(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
            if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("INVALID PASSWORD")
                    || message.contains("INVALID USERNAME-PASSWORD")) {
                return true;
            }
        }
        return false;
    }

    private static String reason(BusException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static long seconds(long nanos) {
        return Math.round(nanos / 1e9);
    }
}
