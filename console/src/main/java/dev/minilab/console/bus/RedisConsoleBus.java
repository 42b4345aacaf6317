package dev.minilab.console.bus;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link ConsoleBus} straight on Lettuce, speaking the keys and JSON of DESIGN.md §4.
 *
 * <p>Stop-gap until the runtime's {@code TeamBus} is available to the console.
 */
public final class RedisConsoleBus implements ConsoleBus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConsoleBus.class);
    static final String CHANNEL = "agent_channel";
    static final String THINK = "agent_think";

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final RedisURI uri;
    private final int historyWindow;
    private StatefulRedisPubSubConnection<String, String> pubSub;

    private RedisConsoleBus(RedisClient client, RedisURI uri, StatefulRedisConnection<String, String> connection,
                            int historyWindow) {
        this.client = client;
        this.uri = uri;
        this.connection = connection;
        this.redis = connection.sync();
        this.historyWindow = historyWindow;
    }

    /** Connects and pings; throws {@link BusUnavailableException} with the one-line reason when Redis is not there. */
    public static RedisConsoleBus connect(RedisURI uri, int historyWindow) {
        uri.setTimeout(Duration.ofSeconds(3));
        RedisClient client = RedisClient.create();
        try {
            StatefulRedisConnection<String, String> c = client.connect(io.lettuce.core.codec.StringCodec.UTF8, uri);
            c.sync().ping();
            return new RedisConsoleBus(client, uri, c, historyWindow);
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw BusUnavailableException.create(uri.getHost() + ":" + uri.getPort(), e);
        }
    }

    @Override
    public TeamMessage sendChat(String content) {
        return publish(content, TeamMessage.Kind.CHAT);
    }

    @Override
    public TeamMessage sendControl(String command) {
        return publish(command, TeamMessage.Kind.CONTROL);
    }

    private TeamMessage publish(String content, TeamMessage.Kind kind) {
        long seq = redis.incr("chat_seq");
        TeamMessage m = new TeamMessage(UUID.randomUUID().toString(), seq, "User", content, Instant.now(), kind, List.of());
        String json = MessageJson.write(m);
        if (kind == TeamMessage.Kind.CHAT) {
            redis.rpush("chat_history", json);
            redis.ltrim("chat_history", -historyWindow, -1);
        }
        redis.publish(CHANNEL, json);
        return m;
    }

    @Override
    public synchronized void subscribe(Listener listener) {
        pubSub = client.connectPubSub(uri);
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String payload) {
                try {
                    if (CHANNEL.equals(channel)) {
                        MessageJson.read(payload).ifPresentOrElse(listener::onMessage,
                                () -> LOG.warn("skipped a malformed message on {}: {}", CHANNEL, abbreviate(payload)));
                    } else if (THINK.equals(channel)) {
                        MessageJson.readThink(payload).ifPresent(t -> listener.onThink(t[0], t[1]));
                    }
                } catch (RuntimeException e) {
                    LOG.warn("console listener failed on a message from {}: {}", channel, e.toString(), e);
                }
            }
        });
        pubSub.sync().subscribe(CHANNEL, THINK);
    }

    @Override
    public List<TeamMessage> history(int n) {
        List<TeamMessage> out = new ArrayList<>();
        for (String json : redis.lrange("chat_history", -n, -1)) {
            MessageJson.read(json).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public void clearConversation() {
        redis.del("chat_history", "user_requirements");
    }

    @Override
    public Map<String, String> statuses() {
        return redis.hgetall("agent_status");
    }

    @Override
    public Map<String, String> usage() {
        return redis.hgetall("agent_usage");
    }

    @Override
    public synchronized void close() {
        if (pubSub != null) {
            pubSub.close();
        }
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
