package dev.minilab.runtime.bus;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis connections of one {@link TeamBus}: how the URI becomes clients (reconnect back-off, timeouts), the
 * command connection (queues while disconnected, reads retry over blips), the publishing connection (fails fast while
 * disconnected) and the pub/sub connection. Everything about reaching the broker lives here; what is sent over the
 * connections does not.
 */
final class BusConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BusConnections.class);
    /**
     * Reconnect attempts start after 50 ms and back off to at most one per second, so a restarted broker is found
     * again within about a second (Lettuce's default backs off to 30 s).
     */
    static final Delay RECONNECT_DELAY = Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
            TimeUnit.MILLISECONDS);
    /** Attempts of one read whose failures pass (see {@link #read}). */
    static final int READ_ATTEMPTS = 5;

    private final BusSettings settings;
    private final String where;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    /** The publishing client: its connection fails fast while disconnected instead of queueing (issue 16). */
    private final RedisClient publishClient;
    private final StatefulRedisConnection<String, String> publishConnection;

    private BusConnections(BusSettings settings, String where, RedisClient client,
                           StatefulRedisConnection<String, String> connection, RedisClient publishClient,
                           StatefulRedisConnection<String, String> publishConnection) {
        this.settings = settings;
        this.where = where;
        this.client = client;
        this.connection = connection;
        this.redis = connection.sync();
        this.publishClient = publishClient;
        this.publishConnection = publishConnection;
    }

    /** Connects both command connections; throws {@link BusException} with a how-to-fix message when it cannot. */
    static BusConnections open(BusSettings settings) {
        RedisURI uri = RedisEndpoints.uri(settings);
        RedisEndpoints.announce(settings, uri);
        ClientResources resources = ClientResources.builder().reconnectDelay(RECONNECT_DELAY).build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(RedisEndpoints.options(settings, ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS));
        // Publishing must never queue a command to run at some later reconnect: its outcome would be unknown.
        RedisClient publishClient = RedisClient.create(resources, uri);
        publishClient.setOptions(RedisEndpoints.options(settings, ClientOptions.DisconnectedBehavior.REJECT_COMMANDS));
        try {
            StatefulRedisConnection<String, String> connection = client.connect();
            return new BusConnections(settings, describe(uri), client, connection, publishClient,
                    publishClient.connect());
        } catch (RuntimeException e) {
            client.shutdown();
            publishClient.shutdown();
            resources.shutdown();
            throw BusException.unreachable(describe(uri), settings.tls(), e);
        }
    }

    /** The broker's {@code host:port}, for messages. */
    String where() {
        return where;
    }

    /** The command connection (queues commands while disconnected and sends them on reconnect). */
    RedisCommands<String, String> commands() {
        return redis;
    }

    /** The publishing connection (rejects commands while disconnected). */
    StatefulRedisConnection<String, String> publishing() {
        return publishConnection;
    }

    /** A new pub/sub connection on the command client (closed by the caller, shut down with the client). */
    StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return client.connectPubSub();
    }

    /**
     * Runs a read; when it fails for a reason that passes ({@link RedisFailures#isTransient}: the connection was cut
     * by CLIENT KILL or a broker restart, the restarted broker is still LOADING), waits until the broker answers again
     * and reads once more, up to {@value #READ_ATTEMPTS} attempts (only one more after a broker that did not answer
     * within the failover wait), so a turn does not fail (and its message go unhandled) over a blip or two. A second
     * cut during the first retry and LOADING after a restart both happened in BusChaosIT.
     */
    <T> T read(Supplier<T> command) {
        RuntimeException earlier = null;
        boolean lastChance = false;
        for (int attempt = 1; ; attempt++) {
            try {
                return command.get();
            } catch (RuntimeException e) {
                if (earlier != null) {
                    e.addSuppressed(earlier);
                }
                if (!RedisFailures.isTransient(e) || attempt >= READ_ATTEMPTS || lastChance) {
                    throw e;
                }
                earlier = e;
            }
            LOG.debug("Reading again (attempt {} of {}) after {}", attempt + 1, READ_ATTEMPTS, earlier.toString());
            if (Thread.currentThread().isInterrupted()) {
                throw earlier;
            }
            lastChance = !awaitAnswering();
        }
    }

    /**
     * Waits up to the failover wait ({@link BusSettings#failoverWait}: the command timeout, or longer with Sentinel,
     * where a new master takes a while to be promoted) until the broker answers PING; false when it did not.
     */
    private boolean awaitAnswering() {
        long deadline = System.nanoTime() + settings.failoverWait().toNanos();
        while (System.nanoTime() < deadline) {
            if (ping()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** True when the broker answers PING now. */
    boolean ping() {
        try {
            return "PONG".equalsIgnoreCase(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Closes the command and publishing connections and shuts the clients and their resources down. */
    @Override
    public void close() {
        try {
            connection.close();
            publishConnection.close();
        } finally {
            publishClient.shutdown();
            client.shutdown();
            client.getResources().shutdown();
        }
    }

    private static String describe(RedisURI uri) {
        return RedisEndpoints.describe(uri);
    }
}
