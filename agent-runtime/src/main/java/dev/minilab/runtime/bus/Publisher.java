package dev.minilab.runtime.bus;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
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

    Publisher(BusSettings settings, MessageGuard guard, StatefulRedisConnection<String, String> connection) {
        this.settings = settings;
        this.guard = guard;
        this.connection = connection;
    }

    /** Test hook: runs after the seq is reserved and the message sealed, before each append attempt. */
    void beforeAppend(Consumer<Message> hook) {
        this.beforeAppend = hook;
    }

    synchronized Message publish(Message message) {
        for (int stale = 0; stale < MAX_STALE; stale++) {
            long seq = retried("reserve seq", this::reserve);
            Message sent = guard.seal(message.withSeq(seq));
            String payload = MessageCodec.encode(sent);
            List<Object> result = retried("append and publish", () -> append(sent, payload));
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
            LOG.debug("Seq {} was overtaken by a later publish; reserving a new one for message {}", seq, sent.id());
        }
        throw BusException.commandFailed("append and publish", new IllegalStateException(
                "seq overtaken " + MAX_STALE + " times in a row by other publishers"));
    }

    private long reserve() {
        BusKeys keys = settings.keys();
        Long seq = BusFunctions.call(connection.sync(), BusFunctions.RESERVE, ScriptOutputType.INTEGER,
                new String[] {keys.sequence()});
        return seq;
    }

    /** Runs {@code minilab_append} once: {1} = appended and published, {0, payload} = landed before, {-1} = stale. */
    List<Object> append(Message sent, String payload) {
        beforeAppend.accept(sent);
        BusKeys keys = settings.keys();
        String store;
        if (sent.kind() == MessageKind.CHAT || sent.kind() == MessageKind.CONTROL) {
            // Control messages are kept too, so an agent that was disconnected when STOP was sent still sees it
            // when it catches up from the history (agents never put control messages into a model's context).
            store = sent.isFromUser() && sent.controlCommand().isEmpty() ? "2" : "1";
        } else {
            store = "0";
        }
        // user_requirements is declared only when this publish pins: Redis checks a script's declared keys against
        // the caller's ACL, and agents may only read the pins (issue 17 finding 4).
        String pins = store.equals("2") ? keys.requirements() : keys.history();
        // Only the User's publishes trim the history: agents' Redis users have no LTRIM (issue 17), and the console
        // also trims on every message it receives (TeamBus.trimHistory).
        String trim = sent.isFromUser() ? "1" : "0";
        return BusFunctions.call(connection.sync(), BusFunctions.APPEND, ScriptOutputType.MULTI,
                new String[] {keys.history(), pins, keys.publishedSequence(), keys.sequence()},
                keys.channel(), payload, Long.toString(sent.seq()), sent.id(),
                Integer.toString(settings.historyWindow()), store, Integer.toString(MAX_PINNED), trim);
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
     * with Sentinel).
     */
    private <T> T retried(String what, Supplier<T> step) {
        RuntimeException earlier = null;
        boolean lastChance = false;
        for (int attempt = 1; ; attempt++) {
            try {
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
