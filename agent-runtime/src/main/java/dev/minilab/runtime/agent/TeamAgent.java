package dev.minilab.runtime.agent;

import dev.minilab.runtime.bus.Addressing;
import dev.minilab.runtime.bus.BusListener;
import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.llm.UsageMeter;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.loop.ReActLoop;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent on the team: listens on the bus, queues the messages addressed to it, and runs one ReAct turn per
 * message on its own worker thread.
 *
 * <p>STOP cancels the running turn (the in-flight LLM request is abandoned, tool process trees are killed), empties
 * the queue, publishes one "halted" status line and ignores other agents until the next User message. CLEAR does the
 * same (the console also deletes the conversation). A chat message older than a handled STOP/CLEAR never runs, even
 * when a copy of it arrives after it. A turn's answer is published under the same lock STOP takes (the turn runs in
 * {@link TurnRunner}), so no answer of a stopped turn ever reaches the bus.
 *
 * <p>Progress survives crashes and broker restarts: after each finished turn (and on STOP/CLEAR) the agent records in
 * its hash {@code agent_progress:<name>} the seq up to which everything addressed to it is dealt with. A restarted
 * agent reads the history entries after that seq, queues the ones addressed to it and announces "restarted" on the
 * bus; after a reconnect it catches up the same way from the highest seq it has seen. Ids already handled are ignored, so a
 * message that arrives both live and from the history is handled once. A turn interrupted by a crash is handled
 * again after the restart (at least once); nothing finished is repeated.
 */
public final class TeamAgent implements BusListener, AutoCloseable {

    private static final int SEEN_IDS = 10_000;
    private static final Duration RESUME_WAIT = Duration.ofSeconds(60);

    private final AgentSpec spec;
    private final TeamBus bus;
    private final Addressing addressing;
    private final ReActLoop loop;
    private final ExecutionLog log;
    private final UnaryOperator<String> redactor;
    private final TurnRunner turns;
    private final Logger agentLog;
    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    private final Heartbeat beat;
    private final Set<String> seen = RecentIds.keeping(SEEN_IDS);
    private final ControlLedger controls;
    private final RetriedReads reads;
    private final Thread worker;
    private volatile boolean running = true;
    private Cancellation current = Cancellation.create();
    private AgentState state = AgentState.IDLE;
    private String task = "";
    private long lastSeq;
    /** Highest seq received (live or from the history); guarded by {@code lock}. */
    private long highestSeq;
    /** Seq of the newest STOP/CLEAR handled: chat messages older than it never run; guarded by {@code lock}. */
    private long stoppedAt = -1;
    private final ProgressLedger progress;
    private final AgentHooks hooks;
    /** What a fatal error in the worker does; by default ends the process (exit code 70). */
    private volatile Consumer<Throwable> fatal = e -> System.exit(70);

    public TeamAgent(AgentSpec spec, TeamBus bus, Addressing addressing, ReActLoop loop, ExecutionLog log,
                     UnaryOperator<String> redactor, UsageMeter usage) {
        this(spec, bus, addressing, loop, log, redactor, usage, AgentHooks.NONE);
    }

    /** As above, with the team's guardrails looking in through {@code hooks}. */
    public TeamAgent(AgentSpec spec, TeamBus bus, Addressing addressing, ReActLoop loop, ExecutionLog log,
                     UnaryOperator<String> redactor, UsageMeter usage, AgentHooks hooks) {
        this.hooks = java.util.Objects.requireNonNull(hooks, "hooks");
        this.spec = spec;
        this.bus = bus;
        this.addressing = addressing;
        this.loop = loop;
        this.log = log;
        this.redactor = redactor;
        this.agentLog = LoggerFactory.getLogger("agent." + spec.name());
        this.progress = new ProgressLedger(bus, spec.name(), agentLog);
        this.controls = new ControlLedger(bus, spec.name(), agentLog);
        this.beat = new Heartbeat(spec, bus, redactor, agentLog);
        this.reads = new RetriedReads(bus, spec.name(), agentLog, beat.fields(), this::heartbeat, () -> running);
        this.turns = new TurnRunner(spec, bus, loop, log, redactor, usage, hooks, reads, agentLog, lock);
        this.worker = Thread.ofPlatform().name(spec.name() + "-worker").daemon(false).unstarted(this::work);
    }

    /**
     * Starts the worker, subscribes to the bus and resumes from {@code agent_progress:<name>} on the delivery thread
     * before any live message is handled; returns when the resume has run (or after {@link #RESUME_WAIT}).
     */
    public void start() {
        worker.start();
        CompletableFuture<Void> resumed = bus.subscribe(this, this::resume);
        try {
            resumed.get(RESUME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            agentLog.warn("Still catching up after {} s (Redis slow or unreachable); live messages wait behind it",
                    RESUME_WAIT.toSeconds());
        } catch (ExecutionException e) {
            agentLog.error("Resuming failed; the agent listens for new messages only", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeat();
        agentLog.info("{} is listening on {} with tools {}", spec.name(), bus.keys().channel(), loop.toolNames());
    }

    public String name() {
        return spec.name();
    }

    /** The state reported in the heartbeat. */
    public AgentState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Messages waiting behind the current turn. */
    public int queued() {
        return queue.size();
    }

    @Override
    public void onMessage(Message message) {
        try {
            receive(message);
        } catch (Error e) {
            die("delivery of message " + message.id(), e);
        }
    }

    /** Handles one message from the channel or the history; returns true when it was queued for a turn. */
    private boolean receive(Message message) {
        ControlCommand command = message.controlCommand().orElse(null);
        if (command != null) {
            control(command, message);
            return false;
        }
        if (message.kind() == MessageKind.CHAT) {
            hooks.received(message);
        }
        int waiting;
        synchronized (lock) {
            // Updated in the same critical section as the queue, so a saved progress never passes a queued message.
            highestSeq = Math.max(highestSeq, message.seq());
            if (message.kind() != MessageKind.CHAT) {
                return false;
            }
            if (message.seq() < stoppedAt) {
                // a copy from before a STOP/CLEAR that arrives after it (live after a catch-up read it, issue 16):
                // it neither lifts the halt nor runs
                agentLog.debug("Ignoring message {} (seq {}): the STOP/CLEAR at seq {} dropped it", message.id(),
                        message.seq(), stoppedAt);
                return false;
            }
            if (message.isFromUser() && state == AgentState.HALTED) {
                state = AgentState.IDLE;
            }
            if (!addressing.triggers(spec.name(), message)) {
                return false;
            }
            if (!seen.add(message.id())) {
                agentLog.debug("Ignoring message {} handled before", message.id());
                return false;
            }
            if (state == AgentState.HALTED) {
                agentLog.info("Halted: ignoring {}'s message until the User writes again", message.sender());
                return false;
            }
            queue.add(message);
            waiting = queue.size();
        }
        // After the lock: the worker woken by the queue need not wait for this log line (issue 12: the hop path).
        hooks.queued(message);
        agentLog.info("Queued a message from {} (seq {}, {} waiting)", message.sender(), message.seq(), waiting);
        return true;
    }

    @Override
    public void onReconnected() {
        long after;
        synchronized (lock) {
            after = highestSeq;
        }
        int queued;
        try {
            queued = catchUp(after);
        } catch (Error e) {
            die("catch-up after a reconnect", e);
            return;
        }
        agentLog.info("Back on the bus after a reconnect: {} missed message(s) after seq {} queued", queued, after);
    }

    /** Resumes after a restart from {@code agent_progress:<name>}: queues what was missed and announces the restart. */
    private void resume() {
        OptionalLong from = progress.resumePoint();
        synchronized (lock) {
            // A later reconnect catches up from here, never from before this agent's (first) start.
            highestSeq = Math.max(highestSeq, progress.recorded());
        }
        if (from.isEmpty()) {
            return;
        }
        int pending = catchUp(from.getAsLong());
        agentLog.info("Restarted: resuming after seq {}, {} pending message(s) queued", from.getAsLong(), pending);
        turns.publishQuietly(Message.status(spec.name(), spec.name() + " restarted: resuming after seq "
                + from.getAsLong() + ", " + pending + " pending message(s) to handle"));
    }

    /**
     * Feeds the history entries after {@code after} through {@link #receive}; returns how many were queued. Runs on
     * the delivery thread, so live messages wait behind it; a failed read is retried ({@link RetriedReads}).
     */
    private int catchUp(long after) {
        List<Message> missed = reads.catchUp(after, spec.historyWindow()).orElse(List.of());
        int queued = 0;
        for (Message message : missed) {
            if (receive(message)) {
                queued++;
            }
        }
        return queued;
    }

    /**
     * Handles STOP/CLEAR once per message id. A copy seen again (live after the catch-up read it, or after a
     * restart) only drops queued messages older than it, never the ones that came after it.
     */
    private void control(ControlCommand command, Message message) {
        long seq = message.seq();
        if (!controls.firstTime(message.id())) {
            synchronized (lock) {
                highestSeq = Math.max(highestSeq, seq);
                stoppedAt = Math.max(stoppedAt, seq);
                queue.removeIf(queued -> queued.seq() < seq);
            }
            agentLog.debug("{} {} (seq {}) handled before; only messages older than it are dropped", command,
                    message.id(), seq);
            return;
        }
        long done;
        synchronized (lock) {
            highestSeq = Math.max(highestSeq, seq);
            stoppedAt = Math.max(stoppedAt, seq);
            done = highestSeq;
            current.cancel();
            hooks.controlHandled(message);
            int dropped = queue.size();
            queue.clear();
            state = AgentState.HALTED;
            task = "";
            if (command == ControlCommand.CLEAR) {
                // The ids of handled chat messages are kept: a copy of one arriving after the CLEAR must not run.
                // Turn numbers go on after CLEAR: a second "Turn 1" in the same log would be ambiguous.
                log.note("clear", "conversation cleared by the User's CLEAR");
            }
            agentLog.info("{}: cancelled the running turn and dropped {} queued messages", command, dropped);
        }
        progress.save(done); // dropped messages are dealt with: a restart must not bring them back
        turns.publishQuietly(Message.status(spec.name(), command == ControlCommand.CLEAR ? "halted (cleared)" : "halted"));
        heartbeat();
    }

    private void work() {
        try {
            workLoop();
        } catch (Throwable e) {
            die("worker", e);
        }
    }

    /**
     * Ends the agent after an {@link Error} in {@code where} (out of memory, stack overflow, a linkage bug leave the
     * JVM in an unknown state): heartbeat state failed, one FATAL log line, then the fatal handler (by default the
     * process exits; its supervisor starts it again and the resume hands the unfinished message to the new one).
     */
    private void die(String where, Throwable e) {
        running = false;
        agentLog.error("FATAL: {}'s {} died of {}; ending the process so that it is restarted and resumes from seq {}",
                spec.name(), where, e, progress.recorded(), e);
        synchronized (lock) {
            state = AgentState.FAILED;
        }
        heartbeat();
        fatal.accept(e);
    }

    private void workLoop() {
        while (running) {
            Message message;
            try {
                message = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Cancellation cancellation;
            synchronized (lock) {
                if (state == AgentState.HALTED) {
                    continue;
                }
                cancellation = Cancellation.create();
                current = cancellation;
                state = AgentState.BUSY;
                task = abbreviate(message.sender() + ": " + message.content(), 120);
                lastSeq = Math.max(lastSeq, message.seq());
            }
            beat.later(this::heartbeat); // the turn does not wait for it (issue 12)
            try {
                turns.runReporting(message, cancellation);
            } catch (Throwable e) {
                die("worker", e); // before the finally below: running is false, so no progress is recorded
                return;
            } finally {
                long done;
                synchronized (lock) {
                    if (state == AgentState.BUSY) {
                        state = AgentState.IDLE;
                    }
                    task = "";
                    // Everything below the oldest message still queued is dealt with.
                    done = queue.isEmpty() ? Math.max(highestSeq, message.seq())
                            : queue.stream().mapToLong(Message::seq).min().orElse(0) - 1;
                }
                if (running) {
                    progress.save(done); // not when closing: an interrupted turn is handled again after the restart
                }
                beat.later(this::heartbeat); // the turn does not wait for it (issue 12)
            }
        }
    }

    /** Replaces what a fatal error (an {@link Error}) in the worker does; by default the process exits (70). */
    public void onFatal(Consumer<Throwable> handler) {
        this.fatal = java.util.Objects.requireNonNull(handler, "handler");
    }

    /** Adds {@code name: value} to every heartbeat from now on (fields of its own are not overwritten). */
    public void statusField(String name, String value) {
        beat.fields().put(name, value);
    }

    /**
     * Reports in the heartbeat that a guardrail read this agent's hooks retry themselves (the state check before an
     * LLM call) is being retried for {@code reason}, or, when empty, no longer is ("guardrail read retrying: …").
     */
    public void guardrailReadRetrying(java.util.Optional<String> reason) {
        reads.guardrailsRetrying(reason);
    }

    /** Writes this agent's heartbeat, signed, into its key {@code agent_status:<Role>}. */
    public void heartbeat() {
        AgentState now;
        String doing;
        long last;
        int waiting;
        synchronized (lock) {
            now = state;
            doing = task;
            last = lastSeq;
            waiting = queue.size();
        }
        beat.write(now, doing, last, waiting);
    }

    @Override
    public void close() {
        running = false;
        synchronized (lock) {
            current.cancel();
            queue.clear();
        }
        worker.interrupt();
        try {
            worker.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        beat.close(); // a heartbeat still waiting is written before the bus closes
        loop.close();
    }

    private static String abbreviate(String text, int max) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
    }
}
