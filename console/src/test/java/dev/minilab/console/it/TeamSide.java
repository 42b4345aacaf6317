package dev.minilab.console.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The team's side of Redis for console tests: publishes agent messages in the DESIGN.md §4 wire form and records
 * every message on {@code agent_channel}.
 */
final class TeamSide implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    final List<JsonNode> seen = new CopyOnWriteArrayList<>();
    volatile Consumer<JsonNode> onMessage = m -> { };

    TeamSide(String uri) {
        client = RedisClient.create(uri);
        connection = client.connect();
        pubSub = client.connectPubSub();
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                try {
                    JsonNode node = JSON.readTree(message);
                    seen.add(node);
                    onMessage.accept(node);
                } catch (Exception e) {
                    throw new IllegalStateException("bad JSON on " + channel + ": " + message, e);
                }
            }
        });
        pubSub.sync().subscribe("agent_channel");
    }

    RedisCommands<String, String> redis() {
        return connection.sync();
    }

    /** Publishes a message as {@code sender} with {@code kind} (chat|status|control) and optional addressees. */
    void publish(String sender, String kind, String content, String... to) {
        var node = JSON.createObjectNode();
        node.put("id", java.util.UUID.randomUUID().toString());
        node.put("seq", redis().incr("chat_seq"));
        node.put("sender", sender);
        node.put("content", content);
        node.put("timestamp", Instant.now().toString());
        node.put("kind", kind);
        var arr = node.putArray("to");
        for (String t : to) {
            arr.add(t);
        }
        if (kind.equals("chat")) {
            redis().rpush("chat_history", node.toString());
        }
        redis().publish("agent_channel", node.toString());
    }

    void think(String sender, String content) {
        redis().publish("agent_think", "{\"sender\":\"" + sender + "\",\"content\":\"" + content + "\",\"timestamp\":\""
                + Instant.now() + "\"}");
    }

    @Override
    public void close() {
        pubSub.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
