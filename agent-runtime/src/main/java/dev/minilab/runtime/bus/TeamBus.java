package dev.minilab.runtime.bus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The team's shared channel and history on Redis (DESIGN.md section 4), built on Lettuce.
 *
 * <p>Publishing assigns the message its {@code seq} ({@code INCR chat_seq}), appends chat and control messages to
 * {@code chat_history} trimmed to the window (and User requests to {@code user_requirements}), then publishes it on
 * {@code agent_channel}. Receiving decodes tolerantly: malformed payloads and messages the {@link MessageGuard}
 * rejects are logged and skipped. Lettuce reconnects and resubscribes on its own after a broker restart.
 */
public final class TeamBus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TeamBus.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Pinned user requests kept (each agent's prompt gets them all, within a size budget). */
    private static final int MAX_PINNED = 200;
    /**
     * Reconnect attempts start after 50 ms and back off to at most one per second, so a restarted broker is found
     * again within about a second (Lettuce's default backs off to 30 s).
     */
    static final Delay RECONNECT_DELAY = Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
            TimeUnit.MILLISECONDS);

    private final BusSettings settings;
    private final MessageGuard guard;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    /** A connection of its own for MULTI/EXEC, so other threads' commands never land inside a transaction. */
    private final StatefulRedisConnection<String, String> publishConnection;
    private final Delivery delivery;
    private final DropLog dropLog = new DropLog(LOG);
    private StatefulRedisPubSubConnection<String, String> pubSub;

    private TeamBus(BusSettings settings, MessageGuard guard, RedisClient client,
                    StatefulRedisConnection<String, String> connection,
                    StatefulRedisConnection<String, String> publishConnection) {
        this.settings = settings;
        this.publishConnection = publishConnection;
        this.guard = guard;
        this.client = client;
        this.connection = connection;
        this.redis = connection.sync();
        this.delivery = new Delivery(settings.keys(), guard);
    }

    /** Connects to the broker; throws {@link BusException} with a how-to-fix message when it cannot. */
    public static TeamBus connect(BusSettings settings) {
        return connect(settings, MessageGuard.UNSIGNED);
    }

    /** Connects to the broker with a guard that signs and verifies messages. */
    public static TeamBus connect(BusSettings settings, MessageGuard guard) {
        Objects.requireNonNull(guard, "guard");
        RedisURI uri = RedisURI.create(settings.redisUri());
        uri.setTimeout(settings.commandTimeout());
        ClientResources resources = ClientResources.builder().reconnectDelay(RECONNECT_DELAY).build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .pingBeforeActivateConnection(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(settings.commandTimeout()).build())
                .build());
        try {
            StatefulRedisConnection<String, String> connection = client.connect();
            return new TeamBus(settings, guard, client, connection, client.connect());
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown();
            throw BusException.unreachable(describe(uri), e);
        }
    }

    public BusSettings settings() {
        return settings;
    }

    public BusKeys keys() {
        return settings.keys();
    }

    /** The guard that signs what this bus publishes and checks what it receives (the approval gate verifies with it). */
    public MessageGuard guard() {
        return guard;
    }

    /**
     * Publishes {@code message}: assigns its seq, stores chat messages in the history window, sends it on the channel.
     *
     * @return the message as sent (with seq and, when signing, signature)
     */
    public synchronized Message publish(Message message) {
        BusKeys keys = settings.keys();
        RedisCommands<String, String> tx = publishConnection.sync();
        try {
            Message sealed = guard.seal(message);
            long seq = redis.incr(keys.sequence());
            Message sent = sealed.withSeq(seq);
            String payload = MessageCodec.encode(sent);
            // Control messages are kept too, so an agent that was disconnected when STOP was sent still sees it
            // when it catches up from the history (agents never put control messages into a model's context).
            if (sent.kind() == MessageKind.CHAT || sent.kind() == MessageKind.CONTROL) {
                tx.multi();
                tx.rpush(keys.history(), payload);
                tx.ltrim(keys.history(), -settings.historyWindow(), -1);
                if (sent.isFromUser() && sent.controlCommand().isEmpty()) {
                    tx.rpush(keys.requirements(), payload);
                    tx.ltrim(keys.requirements(), -MAX_PINNED, -1);
                }
                tx.publish(keys.channel(), payload);
                TransactionResult result = tx.exec();
                if (result.wasDiscarded()) {
                    throw BusException.commandFailed("MULTI/EXEC publish", null);
                }
            } else {
                redis.publish(keys.channel(), payload);
            }
            return sent;
        } catch (BusException e) {
            throw e;
        } catch (RuntimeException e) {
            discardQuietly(tx);
            throw BusException.commandFailed("publish", e);
        }
    }

    private static void discardQuietly(RedisCommands<String, String> tx) {
        try {
            if (tx.getStatefulConnection().isMulti()) {
                tx.discard();
            }
        } catch (RuntimeException e) {
            LOG.debug("DISCARD after a failed publish also failed", e);
        }
    }

    /** Sends a think note on {@code agent_think} (never on {@code agent_channel}), signed like a heartbeat. */
    public void publishThink(String sender, String content) {
        ObjectNode node = JSON.createObjectNode();
        node.put("sender", sender);
        node.put("content", content);
        node.put("timestamp", Instant.now().toString());
        try {
            redis.publish(settings.keys().thinkChannel(), guard.sealRecord(MessageGuard.THINK_RECORD, node.toString()));
        } catch (RuntimeException e) {
            LOG.debug("Could not publish a think note (it is also in the agent's log)", e);
        }
    }

    /** Starts delivering channel messages and think notes to {@code listener}. */
    public synchronized void subscribe(BusListener listener) {
        delivery.add(listener);
        if (pubSub == null) {
            pubSub = client.connectPubSub();
            pubSub.addListener(delivery.adapter());
            pubSub.sync().subscribe(settings.keys().channel(), settings.keys().thinkChannel());
        }
    }

    /** Decodes and authenticates one payload; returns null (after logging why) when it must be skipped. */
    Message accept(String payload) {
        return delivery.accept(payload);
    }

    /** The last {@code count} chat messages of the history, oldest first (malformed entries skipped). */
    public List<Message> history(int count) {
        List<String> raw = redis.lrange(settings.keys().history(), -Math.max(1, count), -1);
        return decodeAll(raw);
    }

    /** History entries with a seq greater than {@code seq}, oldest first. */
    public List<Message> historySince(long seq) {
        return history(settings.historyWindow()).stream().filter(m -> m.seq() > seq).toList();
    }

    /**
     * The pinned User requests, oldest first: only verified chat messages whose sender is the User. Anything else in
     * {@code user_requirements} (another sender's signed text, a control message) is logged and skipped, so no agent's
     * words are ever shown as the User's (SECURITY.md, guarantee "pins are the User's").
     */
    public List<Message> pinnedRequirements() {
        List<Message> pinned = new ArrayList<>();
        for (Message message : decodeAll(redis.lrange(settings.keys().requirements(), 0, -1))) {
            if (message.isFromUser() && message.kind() == MessageKind.CHAT && message.controlCommand().isEmpty()) {
                pinned.add(message);
            } else {
                LOG.warn("Skipped an entry of {} from {} (kind {}): only the User's own requests are pinned",
                        settings.keys().requirements(), preview(message.sender()), message.kind().wire());
            }
        }
        return pinned;
    }

    private List<Message> decodeAll(List<String> raw) {
        List<Message> messages = new ArrayList<>(raw.size());
        for (String payload : raw) {
            Message message = accept(payload);
            if (message != null) {
                messages.add(message);
            }
        }
        return messages;
    }

    /** Stores the User's CLEAR (as sent, signed) as the session epoch for processes that start later. */
    public void saveSessionEpoch(Message clear) {
        if (!clear.isFromUser() || clear.controlCommand().filter(c -> c == ControlCommand.CLEAR).isEmpty()) {
            throw new IllegalArgumentException("only the User's CLEAR starts a session");
        }
        redis.set(settings.keys().sessionEpoch(), MessageCodec.encode(clear));
    }

    /**
     * Moves this process into the session of the User's last CLEAR, if one was stored and it verifies; from then on
     * messages signed in an earlier session are refused. Call once after connecting.
     */
    public void adoptSessionEpoch() {
        String payload;
        try {
            payload = redis.get(settings.keys().sessionEpoch());
        } catch (RuntimeException e) {
            LOG.warn("Cannot read {} ({}); the session epoch starts with the next CLEAR", settings.keys().sessionEpoch(),
                    e.getMessage());
            return;
        }
        if (payload != null && accept(payload) == null) {
            LOG.warn("{} holds no valid User CLEAR (see the line above); the session epoch starts with the next CLEAR",
                    settings.keys().sessionEpoch());
        }
    }

    /** Deletes the conversation: history and pinned requirements (the seq counter keeps counting). */
    public void clearConversation() {
        redis.del(settings.keys().history(), settings.keys().requirements());
    }

    /** The current value of the {@code chat_seq} counter (0 before the first message). */
    public long currentSeq() {
        String value = redis.get(settings.keys().sequence());
        return value == null ? 0 : Long.parseLong(value);
    }

    /** The last seq {@code agent} recorded as handled in hash {@code agent_progress}; empty before its first start. */
    public OptionalLong progress(String agent) {
        String value = redis.hget(settings.keys().progress(), agent);
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring a malformed {} entry for {}: '{}' (expected a number); it is rewritten on the next "
                    + "handled message", settings.keys().progress(), agent, preview(value));
            return OptionalLong.empty();
        }
    }

    /** Records in hash {@code agent_progress} that {@code agent} has handled everything up to {@code seq}. */
    public void saveProgress(String agent, long seq) {
        redis.hset(settings.keys().progress(), agent, Long.toString(seq));
    }

    /** Writes this agent's heartbeat JSON, signed, into its own key {@code agent_status:<agent>}. */
    public void putStatus(String agent, String json) {
        redis.set(settings.keys().status(agent), guard.sealRecord(MessageGuard.STATUS_RECORD, json));
    }

    /**
     * The heartbeat JSON of each of {@code roles} that has one (role → JSON, in the order given). A heartbeat is
     * taken only when it verifies as signed by the role its key names; others are logged and left out, so nobody
     * can show a role in a state it did not report.
     */
    public Map<String, String> statuses(Collection<String> roles) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String role : roles) {
            String text = redis.get(settings.keys().status(role));
            if (text == null) {
                continue;
            }
            Optional<String> rejection;
            try {
                rejection = guard.recordRejection(MessageGuard.STATUS_RECORD, role, text);
            } catch (RuntimeException e) {
                rejection = Optional.of("the guard failed: " + e);
            }
            if (rejection.isPresent()) {
                dropLog.drop("Ignored the heartbeat in " + settings.keys().status(role) + ": " + rejection.get());
                continue;
            }
            out.put(role, text);
        }
        return out;
    }

    /** Reads one field of hash {@code agent_usage}. */
    public String usageField(String field) {
        return redis.hget(settings.keys().usage(), field);
    }

    /** Writes one field of hash {@code agent_usage}. */
    public void putUsage(String field, String json) {
        redis.hset(settings.keys().usage(), field, json);
    }

    /** Every usage record. */
    public Map<String, String> usage() {
        return redis.hgetall(settings.keys().usage());
    }

    /** Direct access for the few callers that need a command the bus has no method for. */
    public RedisCommands<String, String> commands() {
        return redis;
    }

    /** True when the broker answers PING now. */
    public boolean ping() {
        try {
            return "PONG".equalsIgnoreCase(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        delivery.close();
        try {
            if (pubSub != null) {
                pubSub.close();
            }
            connection.close();
            publishConnection.close();
        } finally {
            client.shutdown();
            client.getResources().shutdown();
        }
    }

    private static String describe(RedisURI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }

    static String preview(String payload) {
        String oneLine = payload.replaceAll("\\s+", " ");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 80) + "…";
    }
}
