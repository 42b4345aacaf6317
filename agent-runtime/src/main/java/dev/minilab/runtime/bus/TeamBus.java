package dev.minilab.runtime.bus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
 *
 * <p>The bus is three parts: {@link BusConnections} (reaching the broker), {@link Publisher} with this class's
 * subscription, catch-up and history reads (the conversation), and {@link AgentRecords} (each agent's progress,
 * heartbeat and usage keys). This class is the one entry point callers use.
 */
public final class TeamBus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TeamBus.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BusSettings settings;
    private final MessageGuard guard;
    private final BusConnections connections;
    private final RedisCommands<String, String> redis;
    private final Publisher publisher;
    private final Delivery delivery;
    private final AgentRecords records;
    private StatefulRedisPubSubConnection<String, String> pubSub;

    private TeamBus(BusSettings settings, MessageGuard guard, BusConnections connections) {
        this.settings = settings;
        this.guard = guard;
        this.connections = connections;
        this.redis = connections.commands();
        this.publisher = new Publisher(settings, guard, connections.publishing());
        this.records = new AgentRecords(settings.keys(), guard, redis);
        // Live and history reads alike refuse a seq above chat_seq (issue 17 finding 3).
        this.delivery = new Delivery(settings.keys(), guard, new SeqCeiling(settings.keys().sequence(),
                () -> connections.read(this::currentSeq)));
    }

    /** Connects to the broker; throws {@link BusException} with a how-to-fix message when it cannot. */
    public static TeamBus connect(BusSettings settings) {
        return connect(settings, MessageGuard.UNSIGNED);
    }

    /** Connects to the broker with a guard that signs and verifies messages. */
    public static TeamBus connect(BusSettings settings, MessageGuard guard) {
        Objects.requireNonNull(guard, "guard");
        BusConnections connections = BusConnections.open(settings);
        try {
            // Every write of the bus is a function of the library: without this build's, nothing can be published.
            BusFunctions.ensure(connections.commands(), connections.where());
        } catch (RuntimeException e) {
            connections.close();
            if (e instanceof BusException) {
                throw e;
            }
            // e.g. LOADING from a Redis that is still starting: a BusException, which first connections retry
            throw RedisFailures.isTransient(e) ? BusException.unreachable(connections.where(), e)
                    : BusException.commandFailed("checking the function library", e);
        }
        return new TeamBus(settings, guard, connections);
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
                // Every message that can arrive live is published after this read (minilab_append raises it): a live
                // message signed with a seq at or below it is a replay (issue 17 finding 1).
                String published = redis.get(settings.keys().publishedSequence());
                long floor = published == null ? 0 : Long.parseLong(published);
                // Above chat_seq it cannot be genuine (agents may SET it, issue 17): ignored, as the functions do.
                guard.liveFloor(floor > currentSeq() ? 0 : floor);
            } catch (RuntimeException e) {
                LOG.debug("No live replay floor: cannot read {} ({})", settings.keys().publishedSequence(), e.toString());
            }
            pubSub = connections.connectPubSub();
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
        List<String> raw = connections.read(() -> redis.lrange(settings.keys().history(), -last, -1));
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
        for (Message message : decodeAll(connections.read(() -> redis.lrange(settings.keys().requirements(), 0, -1)))) {
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

    /**
     * The last seq {@code agent} recorded as handled in its hash {@code agent_progress:<agent>} (or, before it wrote
     * one, in the legacy shared hash {@code agent_progress}); empty before its first start.
     */
    public OptionalLong progress(String agent) {
        return records.progress(agent);
    }

    /**
     * Records in hash {@code agent_progress:<agent>} that {@code agent} has handled everything up to {@code seq},
     * unless a higher seq is recorded already (one function: progress never goes backwards, whatever order writes
     * arrive in; a seq above {@code chat_seq} is refused). Only {@code agent}'s Redis user may write that key.
     *
     * @return true when the recorded seq was raised
     */
    public boolean saveProgress(String agent, long seq) {
        return records.saveProgress(agent, seq);
    }

    /**
     * Marks control message {@code id} as handled by {@code agent} in its set {@code agent_controls:<agent>} (kept
     * across restarts; CLEAR does not wipe it; ids in the legacy shared set {@code agent_controls} count as handled).
     *
     * <p>One SADD adds the mark {@code <agent>|<id>} and a mark of this attempt ({@code <agent>|<id>|<nonce>}): Lettuce
     * sends a command again after a reconnect when its reply was lost, and the mark is then already there. The
     * attempt's own mark tells that apart from a mark left by an earlier process (issue 16, {@code ControlResendIT}).
     *
     * @return true the first time, false when it was handled before
     */
    public boolean markControlHandled(String agent, String id) {
        return records.markControlHandled(agent, id);
    }

    /** Writes this agent's heartbeat JSON, signed, into its own key {@code agent_status:<agent>}. */
    public void putStatus(String agent, String json) {
        records.putStatus(agent, json);
    }

    /**
     * The heartbeat JSON of each of {@code roles} that has one (role → JSON, in the order given). A heartbeat is
     * taken only when it verifies as signed by the role its key names; others are logged and left out, so nobody
     * can show a role in a state it did not report.
     */
    public Map<String, String> statuses(Collection<String> roles) {
        return records.statuses(roles);
    }

    /**
     * Adds one LLM response of {@code role} using {@code model} to its hash {@code agent_usage:<role>}: fields
     * {@code <role>|<model>|input}, {@code |output} and {@code |calls} are raised by HINCRBY in one function, so
     * concurrent writers never lose a count. Only {@code role}'s Redis user may write that key.
     */
    public void addUsage(String role, String model, long inputTokens, long outputTokens) {
        records.addUsage(role, model, inputTokens, outputTokens);
    }

    /**
     * The usage records of {@code roles} ({@code <role>|<model>|<counter>} → value): each role's hash
     * {@code agent_usage:<role>} plus what the legacy shared hash {@code agent_usage} still holds (numbers in both are
     * added up, so counts from before the per-role keys stay in {@code /cost}).
     */
    public Map<String, String> usage(Collection<String> roles) {
        return records.usage(roles);
    }

    /** Direct access for the few callers that need a command the bus has no method for. */
    public RedisCommands<String, String> commands() {
        return redis;
    }

    /** True when the broker answers PING now. */
    public boolean ping() {
        return connections.ping();
    }

    @Override
    public synchronized void close() {
        delivery.close();
        try {
            if (pubSub != null) {
                pubSub.close();
            }
        } finally {
            connections.close();
        }
    }

    static String preview(String payload) {
        String oneLine = payload.replaceAll("\\s+", " ");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 80) + "…";
    }
}
