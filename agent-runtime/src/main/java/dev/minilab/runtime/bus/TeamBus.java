package dev.minilab.runtime.bus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The team's shared channel and history on Redis (DESIGN.md section 4), built on Lettuce.
 *
 * <p>Publishing assigns the message its {@code seq}, appends chat and control messages to {@code chat_history}
 * (the User's publishes also trim it to the window; see {@link #trimHistory()}) and User requests to
 * {@code user_requirements}, and publishes it on {@code agent_channel},
 * all in one server-side script ({@link Publisher}). Receiving decodes tolerantly: malformed payloads and messages the {@link MessageGuard}
 * rejects are logged and skipped. Lettuce reconnects and resubscribes on its own after a broker restart.
 */
public final class TeamBus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TeamBus.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Reconnect attempts start after 50 ms and back off to at most one per second, so a restarted broker is found
     * again within about a second (Lettuce's default backs off to 30 s).
     */
    static final Delay RECONNECT_DELAY = Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
            TimeUnit.MILLISECONDS);

    /** HSET field value only if value is greater than the field's number (a malformed field counts as -1). */
    private static final LuaScript SET_IF_GREATER = LuaScript.of("""
            local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1') or -1
            if tonumber(ARGV[2]) > current then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
              return 1
            end
            return 0
            """);

    private static final LuaScript ADD_USAGE = LuaScript.of("""
            redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|input', ARGV[2])
            redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|output', ARGV[3])
            return redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|calls', 1)
            """);

    /** Attempts of one read whose failures pass (see {@link #read}). */
    static final int READ_ATTEMPTS = 5;

    private final BusSettings settings;
    private final MessageGuard guard;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    /** The publishing client: its connection fails fast while disconnected instead of queueing (issue 16). */
    private final RedisClient publishClient;
    private final StatefulRedisConnection<String, String> publishConnection;
    private final Publisher publisher;
    private final Delivery delivery;
    private final DropLog dropLog = new DropLog(LOG);
    private StatefulRedisPubSubConnection<String, String> pubSub;

    private TeamBus(BusSettings settings, MessageGuard guard, RedisClient client,
                    StatefulRedisConnection<String, String> connection,
                    RedisClient publishClient, StatefulRedisConnection<String, String> publishConnection) {
        this.settings = settings;
        this.publishClient = publishClient;
        this.publishConnection = publishConnection;
        this.publisher = new Publisher(settings, guard, publishConnection);
        this.guard = guard;
        this.client = client;
        this.connection = connection;
        this.redis = connection.sync();
        // Live and history reads alike refuse a seq above chat_seq (issue 17 finding 3).
        this.delivery = new Delivery(settings.keys(), guard, new SeqCeiling(settings.keys().sequence(),
                () -> read(this::currentSeq)));
    }

    /** Connects to the broker; throws {@link BusException} with a how-to-fix message when it cannot. */
    public static TeamBus connect(BusSettings settings) {
        return connect(settings, MessageGuard.UNSIGNED);
    }

    /** Connects to the broker with a guard that signs and verifies messages. */
    public static TeamBus connect(BusSettings settings, MessageGuard guard) {
        Objects.requireNonNull(guard, "guard");
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
            return new TeamBus(settings, guard, client, connection, publishClient, publishClient.connect());
        } catch (RuntimeException e) {
            client.shutdown();
            publishClient.shutdown();
            resources.shutdown();
            throw BusException.unreachable(describe(uri), settings.tls(), e);
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
    public Message publish(Message message) {
        return publisher.publish(message);
    }

    /** Test hook: runs before each append attempt of a publish, after the seq is reserved and the message sealed. */
    void beforeAppend(java.util.function.Consumer<Message> hook) {
        publisher.beforeAppend(hook);
    }

    /** The publishing side (tests run its steps one by one). */
    Publisher publisher() {
        return publisher;
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
        ensureSubscribed();
    }

    /**
     * Subscribes {@code listener} and runs {@code catchUp} on the delivery thread once the subscription is active,
     * before any live message reaches {@code listener}: a message published after the subscription arrives live
     * after the catch-up (and may also be in what the catch-up reads: de-duplicate by id); one published before it
     * is in the history. Live messages are held, never overtake the catch-up.
     *
     * @return completes when {@code catchUp} has run
     */
    public synchronized CompletableFuture<Void> subscribe(BusListener listener, Runnable catchUp) {
        CountDownLatch active = new CountDownLatch(1);
        CompletableFuture<Void> done = delivery.addAfter(listener, catchUp, active, settings.commandTimeout());
        try {
            ensureSubscribed();
        } finally {
            active.countDown();
        }
        return done;
    }

    private void ensureSubscribed() {
        if (pubSub == null) {
            try {
                // Every message that can arrive live is published after this read (append.lua raises it): a live
                // message signed with a seq at or below it is a replay (issue 17 finding 1).
                String published = redis.get(settings.keys().publishedSequence());
                guard.liveFloor(published == null ? 0 : Long.parseLong(published));
            } catch (RuntimeException e) {
                LOG.debug("No live replay floor: cannot read {} ({})", settings.keys().publishedSequence(), e.toString());
            }
            pubSub = client.connectPubSub();
            pubSub.addListener(delivery.adapter());
            pubSub.sync().subscribe(settings.keys().channel(), settings.keys().thinkChannel());
        }
    }

    /** Decodes and authenticates one payload; returns null (after logging why) when it must be skipped. */
    Message accept(String payload) {
        return delivery.accept(payload);
    }

    /**
     * The last {@code count} chat messages of the history, at most the window, oldest first (malformed entries
     * skipped). Only the last window is ever read: the list may be longer between the console's trims.
     */
    public List<Message> history(int count) {
        int last = Math.max(1, Math.min(count, settings.historyWindow()));
        List<String> raw = read(() -> redis.lrange(settings.keys().history(), -last, -1));
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
        for (Message message : decodeAll(read(() -> redis.lrange(settings.keys().requirements(), 0, -1)))) {
            if (message.isFromUser() && message.kind() == MessageKind.CHAT && message.controlCommand().isEmpty()) {
                pinned.add(message);
            } else {
                LOG.warn("Skipped an entry of {} from {} (kind {}): only the User's own requests are pinned",
                        settings.keys().requirements(), preview(message.sender()), message.kind().wire());
            }
        }
        return pinned;
    }

    /**
     * Runs a read; when it fails for a reason that passes ({@link RedisFailures#isTransient}: the connection was cut
     * by CLIENT KILL or a broker restart, the restarted broker is still LOADING), waits until the broker answers again
     * and reads once more, up to {@value #READ_ATTEMPTS} attempts (only one more after a broker that did not answer
     * within the command timeout), so a turn does not fail (and its message go unhandled) over a blip or two. A second
     * cut during the first retry and LOADING after a restart both happened in BusChaosIT.
     */
    private <T> T read(java.util.function.Supplier<T> command) {
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

    /** Waits up to the command timeout until the broker answers PING; false when it did not (or interrupted). */
    private boolean awaitAnswering() {
        long deadline = System.nanoTime() + settings.commandTimeout().toNanos();
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

    /**
     * Trims {@code chat_history} to the last {@code historyWindow} messages. Only the User's (console's) Redis user
     * may (agents have no LTRIM, issue 17): agents' publishes append without trimming, and the console calls this
     * on every message it receives. Readers read only the last window, so what lies before it is never used.
     */
    public void trimHistory() {
        redis.ltrim(settings.keys().history(), -settings.historyWindow(), -1);
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

    /** The field of {@code agent_progress:<agent>} that holds the seq. */
    static final String PROGRESS_FIELD = "seq";

    /**
     * The last seq {@code agent} recorded as handled in its hash {@code agent_progress:<agent>} (or, before it wrote
     * one, in the legacy shared hash {@code agent_progress}); empty before its first start.
     */
    public OptionalLong progress(String agent) {
        String key = settings.keys().progress(agent);
        String value = redis.hget(key, PROGRESS_FIELD);
        if (value == null) {
            key = settings.keys().progress();
            value = redis.hget(key, agent);
        }
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring a malformed {} entry for {}: '{}' (expected a number); it is rewritten on the next "
                    + "handled message", key, agent, preview(value));
            return OptionalLong.empty();
        }
    }

    /**
     * Records in hash {@code agent_progress:<agent>} that {@code agent} has handled everything up to {@code seq},
     * unless a higher seq is recorded already (one script: progress never goes backwards, whatever order writes
     * arrive in). Only {@code agent}'s Redis user may write that key.
     *
     * @return true when the recorded seq was raised
     */
    public boolean saveProgress(String agent, long seq) {
        Long raised = SET_IF_GREATER.run(redis, ScriptOutputType.INTEGER,
                new String[] {settings.keys().progress(agent)}, PROGRESS_FIELD, Long.toString(seq));
        return raised != null && raised == 1L;
    }

    /**
     * Marks control message {@code id} as handled by {@code agent} in set {@code agent_controls} (kept across
     * restarts; CLEAR does not wipe it).
     *
     * @return true the first time, false when it was handled before
     */
    public boolean markControlHandled(String agent, String id) {
        Long added = redis.sadd(settings.keys().handledControls(), agent + "|" + id);
        return added != null && added == 1L;
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

    /**
     * Adds one LLM response of {@code role} using {@code model} to its hash {@code agent_usage:<role>}: fields
     * {@code <role>|<model>|input}, {@code |output} and {@code |calls} are raised by HINCRBY in one script, so
     * concurrent writers never lose a count. Only {@code role}'s Redis user may write that key.
     */
    public void addUsage(String role, String model, long inputTokens, long outputTokens) {
        ADD_USAGE.run(redis, ScriptOutputType.INTEGER, new String[] {settings.keys().usage(role)}, role + "|" + model,
                Long.toString(inputTokens), Long.toString(outputTokens));
    }

    /**
     * The usage records of {@code roles} ({@code <role>|<model>|<counter>} → value): each role's hash
     * {@code agent_usage:<role>} plus what the legacy shared hash {@code agent_usage} still holds (numbers in both are
     * added up, so counts from before the per-role keys stay in {@code /cost}).
     */
    public Map<String, String> usage(Collection<String> roles) {
        Map<String, String> merged = new LinkedHashMap<>(redis.hgetall(settings.keys().usage()));
        for (String role : roles) {
            redis.hgetall(settings.keys().usage(role)).forEach((field, value) -> merged.merge(field, value,
                    TeamBus::addCounts));
        }
        return merged;
    }

    private static String addCounts(String older, String newer) {
        try {
            return Long.toString(Math.addExact(Long.parseLong(older), Long.parseLong(newer)));
        } catch (RuntimeException e) {
            return newer; // a legacy JSON record under the same field: the per-role counter wins
        }
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
            publishClient.shutdown();
            client.shutdown();
            client.getResources().shutdown();
        }
    }

    private static String describe(RedisURI uri) {
        return RedisEndpoints.describe(uri);
    }

    static String preview(String payload) {
        String oneLine = payload.replaceAll("\\s+", " ");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 80) + "…";
    }
}
