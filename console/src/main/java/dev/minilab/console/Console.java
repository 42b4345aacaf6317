package dev.minilab.console;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;

import dev.minilab.console.bus.ConsoleBus;
import dev.minilab.console.command.CommandParser;
import dev.minilab.console.command.Input;
import dev.minilab.console.log.ExecutionLogReader;
import dev.minilab.console.log.ToolEntryFormat;
import dev.minilab.console.render.ConsoleOutput;
import dev.minilab.console.session.ConversationLog;
import dev.minilab.console.status.StatusBoard;
import dev.minilab.console.status.StatusView;
import dev.minilab.console.status.UsageReport;
import dev.minilab.runtime.discipline.DisciplineSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The console's behaviour, independent of how lines come in and where text goes: classifies each line, publishes
 * chat and control messages, answers the {@code /commands}, shows channel messages and keeps the session log.
 *
 * <p>{@link #handle(String)} is called from one input thread; {@link #onMessage} and {@link #onThink} from bus
 * threads.
 */
public final class Console implements ConsoleBus.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);

    /**
     * Options of a console.
     *
     * @param echoOwnMessages show the User's own messages when they come back from the channel (pipes: yes, so the
     *                        transcript is complete; terminals: no, the typed line is already on screen)
     * @param clearWait       how long CLEAR waits for the agents' "halted" confirmations
     * @param zone            time zone for displayed times
     */
    public record Options(boolean echoOwnMessages, Duration clearWait, ZoneId zone, DisciplineSettings guardrails) {
        public Options {
            Objects.requireNonNull(clearWait, "clearWait");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(guardrails, "guardrails");
        }

        /** Options with the default guardrails (prices and limits of README "Guardrails"). */
        public Options(boolean echoOwnMessages, Duration clearWait, ZoneId zone) {
            this(echoOwnMessages, clearWait, zone, DisciplineSettings.defaults());
        }
    }

    private final ConsoleBus bus;
    private final ConsoleOutput out;
    private final ConversationLog log;
    private final ExecutionLogReader logs;
    private final StatusBoard board;
    private final Options options;
    private final ConcurrentLinkedDeque<String> ownPending = new ConcurrentLinkedDeque<>();
    private volatile boolean verbose;
    /** Ids of the last messages shown, so a catch-up after a reconnect shows each message once. */
    private final Set<String> seenIds = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > SEEN_IDS;
                }
            }));
    private volatile HaltWatch haltWatch;
    /** When the task of this console's last User message ended (for --wait-reply). */
    private final ReplyWatch replyWatch = new ReplyWatch(java.time.Clock.systemUTC());

    public Console(ConsoleBus bus, ConsoleOutput out, ConversationLog log, ExecutionLogReader logs, StatusBoard board,
                   Options options) {
        this.bus = bus;
        this.out = out;
        this.log = log;
        this.logs = logs;
        this.board = board;
        this.options = options;
    }

    /** Subscribes to the bus; call once before the first {@link #handle}. */
    public void start() {
        bus.subscribe(this);
        refreshHeartbeats();
    }

    /** Handles one typed line; returns false when the user asked to leave. Never throws for a failed command. */
    public boolean handle(String line) {
        Input input = CommandParser.parse(line);
        try {
            return dispatch(input);
        } catch (RuntimeException e) {
            LOG.debug("command {} failed", input, e);
            out.error(describe(input) + " failed: " + e.getMessage() + board.redisLoss()
                    .map(loss -> " — Redis does not answer: was the team stopped (./minilab down)? Type exit, or wait:"
                            + " the console reconnects when Redis is back")
                    .orElse(""));
            return true;
        }
    }

    private boolean dispatch(Input input) {
        switch (input) {
            case Input.Empty ignored -> {
            }
            case Input.Exit ignored -> {
                return false;
            }
            case Input.Chat chat -> {
                if (!options.echoOwnMessages()) {
                    ownPending.add(chat.text());
                }
                replyWatch.userSent();
                try {
                    bus.sendChat(chat.text());
                } catch (RuntimeException e) {
                    ownPending.removeLastOccurrence(chat.text());
                    throw e;
                }
            }
            case Input.Control control -> {
                if (control.command() == Input.ControlCommand.STOP) {
                    stop();
                } else {
                    clear();
                }
            }
            case Input.Help ignored -> out.info(help("MiniLab console commands:"));
            case Input.Unknown unknown -> out.info(help("Unknown command " + unknown.command()
                    + " (not sent to the team). Commands:"));
            case Input.Invalid invalid -> out.error(invalid.problem());
            case Input.Status ignored -> {
                refreshHeartbeats();
                out.info(StatusView.table(board));
            }
            case Input.Log l -> out.info(ToolEntryFormat.format(l.role(), logs.lastToolEntries(l.role(), l.count()),
                    l.count(), options.zone()));
            case Input.Cost ignored -> {
                List<String> lines = new ArrayList<>();
                lines.add("Token usage and cost since this Redis first held MiniLab data (all sessions; CLEAR does not"
                        + " reset it; hashes agent_usage:<Role>; USD from the built-in prices and LLM_PRICES):");
                lines.addAll(UsageReport.format(UsageReport.parse(bus.usage()), options.guardrails().prices()));
                lines.addAll(UsageReport.request(bus.requestState(), options.guardrails()));
                out.info(lines);
            }
            case Input.Verbose v -> {
                if (v.on() != null) {
                    verbose = v.on();
                }
                out.info("verbose (think feed) is " + (verbose ? "on" : "off"));
            }
            case Input.History h -> history(h.count());
            case Input.Approve approve -> {
                String text = bus.planVerdict(approve.planId(), true, "");
                log.note("/approve " + approve.planId() + ": " + text);
                out.info(text);
            }
            case Input.Reject reject -> {
                String text = bus.planVerdict(reject.planId(), false, reject.why());
                log.note("/reject " + reject.planId() + ": " + text);
                out.info(text);
            }
        }
        return true;
    }

    private void stop() {
        bus.sendControl("STOP");
        log.note("STOP sent");
        out.info("STOP sent: every agent cancels its work and reports 'halted'.");
    }

    private void clear() {
        HaltWatch watch = new HaltWatch(Roles.ALL);
        haltWatch = watch;
        List<String> confirmed;
        try {
            bus.sendControl("CLEAR");
            out.info("CLEAR sent: waiting up to " + options.clearWait().toSeconds() + " s for the agents to halt...");
            confirmed = watch.await(options.clearWait());
        } finally {
            haltWatch = null;
        }
        bus.clearConversation();
        List<String> missing = Roles.ALL.stream().filter(r -> !confirmed.contains(r)).toList();
        String text = "CLEAR done: conversation cleared (chat_history and pinned requirements wiped). "
                + (confirmed.isEmpty() ? "No agent confirmed its reset" : "Reset confirmed by " + String.join(", ", confirmed))
                + (missing.isEmpty() ? "." : "; no confirmation from " + String.join(", ", missing)
                + " (not running, or still stopping: check /status).");
        log.note(text);
        out.info(text);
    }

    private void history(int n) {
        List<Message> messages = bus.history(n);
        if (messages.isEmpty()) {
            out.info("The conversation history is empty.");
            return;
        }
        out.info("Last " + messages.size() + " message(s) of the conversation:");
        for (Message m : messages) {
            out.message(m);
        }
    }

    @Override
    public void onMessage(Message message) {
        if (!message.id().isEmpty() && !seenIds.add(message.id())) {
            return;
        }
        board.onMessage(message);
        log.message(message);
        HaltWatch watch = haltWatch;
        if (watch != null) {
            watch.onMessage(message);
        }
        replyWatch.onMessage(message);
        boolean own = Roles.USER.equals(message.sender()) && message.kind() == MessageKind.CHAT
                && ownPending.remove(message.content());
        boolean ownControl = !options.echoOwnMessages() && Roles.USER.equals(message.sender())
                && message.kind() == MessageKind.CONTROL;
        if (!own && !ownControl) {
            out.message(message);
        }
        out.statusChanged();
    }

    /** How many history entries are searched for missed messages after a reconnect. */
    static final int CATCH_UP_WINDOW = 200;
    /** How many message ids are remembered for that search. */
    private static final int SEEN_IDS = 2000;

    @Override
    public void onReconnected() {
        // By id, not seq: a Redis that restarted without its data starts chat_seq again at 1.
        List<Message> missed = bus.history(CATCH_UP_WINDOW).stream()
                .filter(m -> !m.id().isEmpty() && !seenIds.contains(m.id())).toList();
        log.note("reconnected to Redis; " + missed.size() + " missed chat message(s) replayed from chat_history");
        out.info("(reconnected to Redis; " + (missed.isEmpty() ? "no chat message was missed"
                : "replaying " + missed.size() + " chat message(s) sent meanwhile; status lines of that time are lost") + ")");
        missed.forEach(this::onMessage);
    }

    @Override
    public void onThink(String sender, String text) {
        if (verbose) {
            out.think(sender, text);
        }
    }

    /**
     * Waits until the task of this console's last message has ended (see {@link ReplyWatch}: a message addressed to
     * the User, or an answer meant for the User once no agent is busy); returns false when {@code timeout} passed
     * first. Returns true at once when this console sent nothing or the task already ended.
     */
    public boolean awaitReplyToUser(Duration timeout) throws InterruptedException {
        return replyWatch.await(timeout, bus::statuses);
    }

    /** Whether the think feed is shown. */
    public boolean verbose() {
        return verbose;
    }

    /**
     * Re-reads {@code agent_status}. A failure is not fatal, but it means Redis does not answer (the team may have
     * been stopped from another terminal): the console says so once, the status bar shows it until Redis answers
     * again, and the last heartbeats read age into "down".
     */
    public void refreshHeartbeats() {
        try {
            board.applyHeartbeats(bus.statuses());
            if (board.redisAnswers()) {
                log.note("Redis answers again");
                out.info("(Redis answers again)");
            }
        } catch (RuntimeException e) {
            LOG.debug("reading agent_status failed: {}", e.getMessage());
            if (board.redisLost(e.getMessage())) {
                log.note("Redis does not answer: " + e.getMessage());
                out.error("Redis does not answer (" + oneLine(e.getMessage()) + "). Was the team stopped (./minilab down"
                        + " in another terminal)? Messages cannot be sent until it is back; the console reconnects by"
                        + " itself, or type exit.");
            }
        }
    }

    private static String oneLine(String text) {
        String line = text == null ? "no reason given" : text.strip().lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }

    private static List<String> help(String title) {
        List<String> lines = new ArrayList<>();
        lines.add(title);
        CommandParser.HELP.forEach(h -> lines.add("  " + h));
        return lines;
    }

    private static String describe(Input input) {
        return switch (input) {
            case Input.Chat ignored -> "sending the message";
            case Input.Control c -> c.command().name();
            default -> "/" + input.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        };
    }
}
