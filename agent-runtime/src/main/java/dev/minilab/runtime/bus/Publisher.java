package dev.minilab.runtime.bus;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishing side of the {@link TeamBus}: one message becomes one atomic server-side step, so seq order is
 * history order is delivery order (issue 16).
 *
 * <p>Publishing takes two functions of the {@link BusFunctions} library. {@code minilab_reserve} takes the next seq
 * ({@code INCR chat_seq}); the message is then sealed (signed) with that seq in it, so the seq can be covered by the
 * signature. {@code minilab_append} (which refuses a seq above {@code chat_seq}) appends
 * the sealed payload to {@code chat_history} (trimmed to the window, User requests also to
 * {@code user_requirements}) and PUBLISHes it, but only if its seq is above {@code chat_published_seq}, which it
 * then raises (only the User's publishes trim the history to the window); a publisher whose seq was overtaken by a later one gets "stale" and reserves and seals again. Seqs
 * may therefore have gaps, never inversions.
 *
 * <p>The connection fails fast while disconnected (no commands queued for later). A step that failed on the
 * connection, or was refused because a restarted broker is still loading its data (LOADING), is retried (up to
 * {@value #ATTEMPTS} attempts), with the same id and seq, after the broker answers again. The script never appends
 * an id that is already in the history window (an attempt that landed but whose answer was lost, or a caller
 * publishing the same message again after an error): it returns the message as it landed instead. Receivers
 * de-duplicate by id for the rest (status lines, which the history does not keep).
 */
final class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(TeamBus.class);
    /** Pinned user requests kept (each agent's prompt gets them all, within a size budget). */
    static final int MAX_PINNED = 200;
    /** Stale answers in a row before giving up (each one means another publisher won a race). */
    private static final int MAX_STALE = 50;
    /** Attempts of one step whose failures pass (a cut connection, LOADING), each after the broker answers again. */
    static final int ATTEMPTS = 5;

    private final BusSettings settings;
    private final MessageGuard guard;
    private final StatefulRedisConnection<String, String> connection;
    private volatile Consumer<Message> beforeAppend = m -> { };
    /** Hands out seqs in batches and lets appends go out in seq order. */
    private final PublishOrder order = new PublishOrder();
    /** Read: a publish in flight; write: a control message, published alone. */
    private final ReadWriteLock exclusive = new ReentrantReadWriteLock();

    Publisher(BusSettings settings, MessageGuard guard, StatefulRedisConnection<String, String> connection) {
        this.settings = settings;
        this.guard = guard;
        this.connection = connection;
    }

    /** Test hook: runs after the seq is reserved and the message sealed, before each append attempt. */
    void beforeAppend(Consumer<Message> hook) {
        this.beforeAppend = hook;
    }

    /**
     * Publishes {@code message} (thread-safe; publishes of several threads are in flight together, see
     * {@link PublishOrder}): its seq is reserved (one pipelined round trip for every publish waiting), it is sealed on
     * the calling thread with that seq, and its append is sent in seq order after the appends of every lower seq this
     * publisher reserved, without waiting for their answers. A control message (STOP, CLEAR) is published alone: a
     * CLEAR moves this process's session, and no message sealed before it may land after it.
     */
    Message publish(Message message) {
        boolean alone = message.kind() == MessageKind.CONTROL || message.controlCommand().isPresent();
        Lock lock = alone ? exclusive.writeLock() : exclusive.readLock();
        lock.lock();
        try {
            return publishInOrder(message);
        } finally {
            lock.unlock();
        }
    }

    private Message publishInOrder(Message message) {
        for (int stale = 0; stale < MAX_STALE; stale++) {
            PublishOrder.Slot slot = order.reserve(this::reserveAll);
            Message sent;
            String payload;
            try {
                sent = guard.seal(message.withSeq(slot.seq()));
                payload = MessageCodec.encode(sent);
                beforeAppend.accept(sent);
            } catch (RuntimeException | Error e) {
                order.skip(slot);
                throw e;
            }
            List<Object> result = retriedAfter(() -> order.inTurn(slot, () -> appendAsync(sent, payload)),
                    "append and publish", () -> append(sent, payload));
            long code = (Long) result.get(0);
            if (code == 1) {
                return sent;
            }
            if (code == 0) {
                Message landed = landed(String.valueOf(result.get(1)), sent);
                LOG.info("Message {} had been published (seq {}) by an attempt whose answer was lost; not sent again",
                        sent.id(), landed.seq());
                return landed;
            }
            LOG.debug("Seq {} was overtaken by a later publish; reserving a new one for message {}", slot.seq(),
                    sent.id());
        }
        throw BusException.commandFailed("append and publish", new IllegalStateException(
                "seq overtaken " + MAX_STALE + " times in a row by other publishers"));
    }

    /**
     * Reserves one seq for each of {@code count} publishes: the reserves are pipelined (sent together, answered in
     * order, one round trip); one that failed for a reason that passes is reserved again on its own.
     */
    private long[] reserveAll(int count) {
        BusKeys keys = settings.keys();
        List<Supplier<RedisFuture<Long>>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            try {
                RedisFuture<Long> future = connection.async().fcall(BusFunctions.RESERVE, ScriptOutputType.INTEGER,
                        keys.sequence());
                sent.add(() -> future);
            } catch (RuntimeException e) {
                sent.add(() -> {
                    throw e;
                });
            }
        }
        long[] seqs = new long[count];
        for (int i = 0; i < count; i++) {
            seqs[i] = retriedAfter(sent.get(i), "reserve seq", this::reserve);
        }
        return seqs;
    }

    private long reserve() {
        BusKeys keys = settings.keys();
        Long seq = BusFunctions.call(connection.sync(), BusFunctions.RESERVE, ScriptOutputType.INTEGER,
                new String[] {keys.sequence()});
        return seq;
    }

    /** Sends {@code minilab_append} without waiting for its answer (the first attempt of a publish). */
    private RedisFuture<List<Object>> appendAsync(Message sent, String payload) {
        return connection.async().fcall(BusFunctions.APPEND, ScriptOutputType.MULTI, appendKeys(sent),
                appendArgs(sent, payload));
    }

    /** Runs {@code minilab_append} once: {1} = appended and published, {0, payload} = landed before, {-1} = stale. */
    List<Object> append(Message sent, String payload) {
        beforeAppend.accept(sent);
        return BusFunctions.call(connection.sync(), BusFunctions.APPEND, ScriptOutputType.MULTI, appendKeys(sent),
                appendArgs(sent, payload));
    }

    /** What the history keeps of {@code sent}: "0" nothing, "1" the message, "2" the message and a pin. */
    private static String store(Message sent) {
        if (sent.kind() == MessageKind.CHAT || sent.kind() == MessageKind.CONTROL) {
            // Control messages are kept too, so an agent that was disconnected when STOP was sent still sees it
            // when it catches up from the history (agents never put control messages into a model's context).
            return sent.isFromUser() && sent.controlCommand().isEmpty() ? "2" : "1";
        }
        return "0";
    }

    private String[] appendKeys(Message sent) {
        BusKeys keys = settings.keys();
        // user_requirements is declared only when this publish pins: Redis checks a script's declared keys against
        // the caller's ACL, and agents may only read the pins (issue 17 finding 4).
        String pins = store(sent).equals("2") ? keys.requirements() : keys.history();
        return new String[] {keys.history(), pins, keys.publishedSequence(), keys.sequence()};
    }

    private String[] appendArgs(Message sent, String payload) {
        // Only the User's publishes trim the history: agents' Redis users have no LTRIM (issue 17), and the console
        // also trims on every message it receives (TeamBus.trimHistory).
        String trim = sent.isFromUser() ? "1" : "0";
        return new String[] {settings.keys().channel(), payload, Long.toString(sent.seq()), sent.id(),
                Integer.toString(settings.historyWindow()), store(sent), Integer.toString(MAX_PINNED), trim};
    }

    private static Message landed(String payload, Message fallback) {
        MessageCodec.Decoded decoded = MessageCodec.decode(payload);
        return decoded instanceof MessageCodec.Decoded.Valid valid ? valid.message() : fallback;
    }

    /**
     * Runs {@code step}; when it fails for a reason that passes ({@link RedisFailures#isTransient}), waits for the
     * broker to answer again and runs it again, up to {@value #ATTEMPTS} attempts in all (one retry was not enough
     * under BusChaosIT: a second CLIENT KILL during the retry dropped an agent's answer). A broker that does not
     * answer within the failover wait gets one more attempt, not more (publishing still fails within about one
     * failover wait, {@link BusSettings#failoverWait}, when Redis is gone; by default one command timeout, 60 s
     * with Sentinel). The first attempt sends with {@code first} and awaits the answer; the others run {@code step}.
     */
    private <T> T retriedAfter(Supplier<RedisFuture<T>> first, String what, Supplier<T> step) {
        try {
            return LettuceFutures.awaitOrCancel(first.get(), connection.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            return retried(what, step, e);
        }
    }

    /** Like {@link #retriedAfter} when the first attempt failed with {@code firstFailure} (null: not run yet). */
    private <T> T retried(String what, Supplier<T> step, RuntimeException firstFailure) {
        RuntimeException earlier = null;
        boolean lastChance = false;
        for (int attempt = 1; ; attempt++) {
            try {
                if (attempt == 1 && firstFailure != null) {
                    throw firstFailure;
                }
                return step.get();
            } catch (RuntimeException e) {
                if (earlier != null) {
                    e.addSuppressed(earlier);
                }
                if (!RedisFailures.isTransient(e) || attempt >= ATTEMPTS || lastChance) {
                    throw BusException.commandFailed(what, e); // an error Redis answered: trying again changes nothing
                }
                earlier = e;
            }
            LOG.info("Could not {} ({}); retry {} of {} when the connection is back", what, earlier.getMessage(),
                    attempt, ATTEMPTS - 1);
            // failoverWait (REDIS_FAILOVER_WAIT_SECONDS): long enough for Sentinel to notice the master is gone and
            // promote a replica, after which Lettuce re-asks the sentinels and reconnects to the new master.
            lastChance = !awaitAnswering(settings.failoverWait());
        }
    }

    /** Waits until the connection answers PING again (it rejects commands while Lettuce reconnects it). */
    private boolean awaitAnswering(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (connection.isOpen() && "PONG".equalsIgnoreCase(connection.sync().ping())) {
                    return true;
                }
            } catch (RuntimeException e) {
                LOG.trace("Not answering yet", e);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
