package dev.minilab.runtime.bus;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of the {@link TeamBus}: decodes and authenticates what arrives, and hands it to the listeners in
 * arrival order on a thread of its own.
 *
 * <p>Listeners never run on Lettuce's I/O thread: a listener may call Redis (publish a status line), and a blocking
 * call on the I/O thread could wait for itself. One failing listener never stops delivery to the others.
 */
final class Delivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TeamBus.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BusKeys keys;
    private final MessageGuard guard;
    private final SeqCeiling ceiling;
    private final List<BusListener> listeners = new CopyOnWriteArrayList<>();
    private final DropLog dropLog = new DropLog(LOG);
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "bus-delivery");
        thread.setDaemon(true);
        return thread;
    });
    /** Decodes and verifies live payloads in parallel, ahead of their in-order delivery. */
    private final VerifyAhead verifiers = new VerifyAhead();
    /** SUBSCRIBE confirmations seen for agent_channel: the first is the start, every later one a reconnect. */
    private long channelSubscriptions;

    Delivery(BusKeys keys, MessageGuard guard, SeqCeiling ceiling) {
        this.keys = keys;
        this.guard = guard;
        this.ceiling = ceiling;
    }

    void add(BusListener listener) {
        listeners.add(listener);
    }

    /**
     * Adds {@code listener} on the delivery thread and runs {@code catchUp} there first, once {@code active} is
     * released (the subscription is confirmed): live messages arriving meanwhile wait behind it in arrival order,
     * and messages already waiting are not given to {@code listener} (they are in the history it catches up from).
     */
    CompletableFuture<Void> addAfter(BusListener listener, Runnable catchUp, CountDownLatch active, Duration wait) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    if (!active.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        LOG.warn("The subscription to {} was not confirmed within {} s; catching up anyway",
                                keys.channel(), wait.toSeconds());
                    }
                    listeners.add(listener);
                    catchUp.run();
                    done.complete(null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    done.completeExceptionally(e);
                } catch (Throwable e) {
                    LOG.error("Catching up at subscription failed; live delivery goes on", e);
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** The adapter to register on the pub/sub connection. */
    RedisPubSubAdapter<String, String> adapter() {
        return new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String payload) {
                try {
                    if (channel.equals(keys.thinkChannel())) {
                        executor.execute(() -> dispatch(channel, payload, null));
                        return;
                    }
                    Arrival arrival = new Arrival(payload);
                    executor.execute(() -> dispatch(channel, payload, arrival));
                    verifiers.ahead(arrival);
                } catch (RejectedExecutionException e) {
                    LOG.debug("Bus closed; dropped a delivery");
                }
            }

            @Override
            public void subscribed(String channel, long count) {
                if (!channel.equals(keys.channel()) || channelSubscriptions++ == 0) {
                    return;
                }
                LOG.info("Reconnected to Redis and resubscribed to {}; catching up from {}", channel, keys.history());
                try {
                    executor.execute(Delivery.this::notifyReconnected);
                } catch (RejectedExecutionException e) {
                    LOG.debug("Bus closed; no catch-up after reconnect");
                }
            }
        };
    }

    private void notifyReconnected() {
        for (BusListener listener : listeners) {
            try {
                listener.onReconnected();
            } catch (RuntimeException e) {
                LOG.warn("A bus listener failed to catch up after a reconnect; it may have missed messages sent while "
                        + "Redis was unreachable (they are in {})", keys.history(), e);
            }
        }
    }

    private void dispatch(String channel, String payload, Arrival arrival) {
        if (channel.equals(keys.thinkChannel())) {
            ThinkNote note = readThink(payload);
            if (note != null) {
                Optional<String> rejection;
                try {
                    rejection = guard.recordRejection(MessageGuard.THINK_RECORD, note.sender(), payload);
                } catch (RuntimeException e) {
                    rejection = Optional.of("the guard failed: " + e);
                }
                if (rejection.isPresent()) {
                    dropLog.drop("Dropped a think note claiming to be from " + TeamBus.preview(note.sender()) + ": "
                            + rejection.get());
                    note = null;
                }
            }
            if (note != null) {
                for (BusListener listener : listeners) {
                    try {
                        listener.onThink(note);
                    } catch (RuntimeException e) {
                        LOG.warn("A bus listener failed on a think note; other listeners still get it", e);
                    }
                }
            }
            return;
        }
        Message message = accept(payload, arrival.decoded());
        if (message == null) {
            return;
        }
        Optional<String> stale;
        try {
            stale = guard.liveRejection(message);
        } catch (RuntimeException e) {
            stale = Optional.of("the message guard failed: " + e);
        }
        if (stale.isPresent()) {
            dropLog.drop("Dropped live message " + TeamBus.preview(message.id()) + " from "
                    + TeamBus.preview(message.sender()) + ": " + stale.get());
            return;
        }
        for (BusListener listener : listeners) {
            try {
                listener.onMessage(message);
            } catch (RuntimeException e) {
                LOG.warn("A bus listener failed on message {}; other listeners still get it", message.id(), e);
            }
        }
    }

    /** Decodes and authenticates one payload; returns null (after logging why) when it must be skipped. */
    Message accept(String payload) {
        return accept(payload, MessageCodec.decode(payload));
    }

    private Message accept(String payload, MessageCodec.Decoded decoded) {
        if (decoded instanceof MessageCodec.Decoded.Malformed malformed) {
            dropLog.drop("Skipped a malformed payload on " + keys.channel() + ": " + malformed.reason()
                    + " (payload starts: " + TeamBus.preview(payload) + ")");
            return null;
        }
        Message message = ((MessageCodec.Decoded.Valid) decoded).message();
        Optional<String> rejection;
        try {
            rejection = guard.rejectionReason(message);
            if (rejection.isEmpty()) {
                // after the signature check: only a signed seq is worth a Redis read (issue 17 finding 3)
                rejection = ceiling.rejection(message);
            }
        } catch (RuntimeException e) {
            rejection = Optional.of("the message guard failed: " + e);
        }
        if (rejection.isPresent()) {
            dropLog.drop("Dropped message " + TeamBus.preview(message.id()) + " claiming to be from "
                    + TeamBus.preview(message.sender()) + ": " + rejection.get());
            return null;
        }
        return message;
    }

    private static ThinkNote readThink(String payload) {
        try {
            var node = JSON.readTree(payload);
            if (node.path("sender").isTextual() && node.path("content").isTextual()) {
                Instant ts;
                try {
                    ts = Instant.parse(node.path("timestamp").asText());
                } catch (RuntimeException e) {
                    ts = Instant.now();
                }
                return new ThinkNote(node.get("sender").asText(), node.get("content").asText(), ts);
            }
        } catch (Exception e) {
            LOG.debug("Skipped a malformed think note", e);
        }
        return null;
    }

    /**
     * A live payload on its way to the listeners: decoded and its signature verified once, by a verifier thread
     * ({@link VerifyAhead}) or, if none has started yet, by the delivery thread itself when the payload's turn comes.
     * Only stateless work happens here; everything that depends on order runs on the delivery thread.
     */
    final class Arrival implements Runnable {
        private final String payload;
        private final java.util.concurrent.FutureTask<MessageCodec.Decoded> work;

        Arrival(String payload) {
            this.payload = payload;
            this.work = new java.util.concurrent.FutureTask<>(this::prepare);
        }

        private MessageCodec.Decoded prepare() {
            MessageCodec.Decoded decoded = MessageCodec.decode(payload);
            if (decoded instanceof MessageCodec.Decoded.Valid valid) {
                try {
                    if (guard.verifyAhead(valid.message())) {
                        // after the signature check: only a signed seq is worth a Redis read (issue 17 finding 3)
                        ceiling.prefetch(valid.message());
                    }
                } catch (RuntimeException e) {
                    LOG.debug("Verifying ahead failed; the delivery thread checks again", e);
                }
            }
            return decoded;
        }

        @Override
        public void run() {
            work.run(); // does nothing when it ran or runs already
        }

        /** The decoded payload, verified ahead when it was valid (runs the work here if no verifier has). */
        MessageCodec.Decoded decoded() {
            work.run();
            try {
                return work.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return MessageCodec.decode(payload);
            } catch (java.util.concurrent.ExecutionException e) {
                return MessageCodec.decode(payload);
            }
        }
    }

    @Override
    public void close() {
        verifiers.close();
        executor.shutdownNow();
    }
}
