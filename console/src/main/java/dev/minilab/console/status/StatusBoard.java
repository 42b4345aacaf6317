package dev.minilab.console.status;

import dev.minilab.runtime.bus.Message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.console.Roles;
import dev.minilab.console.render.MessageFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's picture of the team: per role, the last heartbeat from {@code agent_status} when there is one,
 * else what the messages on the channel imply (a User message makes Architect_Zero busy, an @-mention makes the
 * mentioned role busy, a reply makes the sender idle, a "halted" status makes it halted).
 *
 * <p>Thread-safe. An agent whose heartbeat is older than {@link #STALE_AFTER} is shown {@code down} (agents beat
 * every 15 s: it is not running, or cannot reach Redis), whatever the messages imply. Without any heartbeat, a
 * {@code busy} derived from messages older than {@link #STALE_AFTER}, or a {@code halting} older than
 * {@link #HALT_GRACE} with no {@code halted} from the agent, becomes {@code unknown}: nothing shows it is alive.
 * While the console cannot reach Redis ({@link #redisLost}) the bar says so first.
 */
public final class StatusBoard {

    /** A heartbeat older than this is reported with its age. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(60);
    /** A heartbeat dated further ahead than this is marked: a wrong clock, or a forged or replayed record. */
    public static final Duration FUTURE_TOLERANCE = Duration.ofSeconds(30);

    /** How long a role may stay "halting" after STOP/CLEAR without reporting {@code halted}. */
    public static final Duration HALT_GRACE = Duration.ofSeconds(15);

    /** When the console lost Redis and the error it got. */
    public record RedisLoss(Instant since, String reason) {
    }

    /** The current Redis outage; null while Redis answers. */
    private volatile RedisLoss redisLoss;

    /** Records that Redis did not answer; returns whether this starts an outage (the first failure). */
    public synchronized boolean redisLost(String reason) {
        if (redisLoss != null) {
            return false;
        }
        redisLoss = new RedisLoss(clock.instant(), reason == null ? "" : reason);
        return true;
    }

    /** Records that Redis answers; returns whether it had been lost. */
    public synchronized boolean redisAnswers() {
        boolean wasLost = redisLoss != null;
        redisLoss = null;
        return wasLost;
    }

    /** The current Redis outage as the console saw it, empty while Redis answers. */
    public Optional<RedisLoss> redisLoss() {
        return Optional.ofNullable(redisLoss);
    }

    private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MENTION = Pattern.compile(
            "(?<![\\w@])@(Architect_Zero|DevOps_Builder|Security_Sentinel|QA_Tester)\\b", Pattern.CASE_INSENSITIVE);

    private final Clock clock;
    private final Map<String, AgentState> derived = new LinkedHashMap<>();
    private final Map<String, AgentState> heartbeats = new LinkedHashMap<>();
    private final Map<String, String> sandboxes = new LinkedHashMap<>();

    public StatusBoard(Clock clock) {
        this.clock = clock;
    }

    /** MINILAB_MODE as the status bar shows it ({@code normal}, {@code plan-only}). */
    private volatile String mode = "normal";

    /** Sets the mode the status bar shows. */
    public void mode(String newMode) {
        mode = newMode;
    }

    /** The mode the status bar shows. */
    public String mode() {
        return mode;
    }

    /** Updates the derived picture from one channel message. */
    public synchronized void onMessage(Message message) {
        Instant at = message.timestamp();
        String sender = message.sender();
        switch (message.kind()) {
            case CONTROL -> {
                if (Roles.USER.equals(sender)) {
                    for (String role : Roles.ALL) {
                        derived.put(role, new AgentState(role, "halting", message.content().toUpperCase(Locale.ROOT) + " sent",
                                at, AgentState.Source.MESSAGES));
                    }
                }
            }
            case STATUS -> {
                if (Roles.isRole(sender)) {
                    boolean halted = message.content().toLowerCase(Locale.ROOT).contains("halted");
                    derived.put(sender, new AgentState(sender, halted ? "halted" : "busy",
                            halted ? "" : oneLine(MessageFormatter.withoutOwnName(sender, message.content())), at,
                            AgentState.Source.MESSAGES));
                }
            }
            case CHAT -> {
                if (Roles.USER.equals(sender)) {
                    derived.put("Architect_Zero", new AgentState("Architect_Zero", "busy",
                            "User: " + oneLine(message.content()), at, AgentState.Source.MESSAGES));
                } else if (Roles.isRole(sender)) {
                    derived.put(sender, new AgentState(sender, "idle", "", at, AgentState.Source.MESSAGES));
                }
                Matcher m = MENTION.matcher(withoutCode(message.content()));
                while (m.find()) {
                    Roles.resolve(m.group(1)).filter(r -> !r.equals(sender)).ifPresent(r ->
                            derived.put(r, new AgentState(r, "busy", "asked by " + sender, at, AgentState.Source.MESSAGES)));
                }
            }
        }
    }

    /** Replaces the heartbeats with the content of {@code agent_status} (role → JSON); bad entries are skipped. */
    public synchronized void applyHeartbeats(Map<String, String> statusHash) {
        heartbeats.clear();
        sandboxes.clear();
        statusHash.forEach((field, json) -> parseHeartbeat(field, json));
    }

    private void parseHeartbeat(String field, String json) {
        try {
            JsonNode node = JSON.readTree(json);
            // The key names the role (its signature was checked against that role's key); a body naming another role
            // is a forgery or a bug, never a reason to show that other role.
            String role = field;
            if (node.hasNonNull("role") && !field.equals(node.get("role").asText())) {
                LOG.warn("agent_status:{} names role '{}' in its body and is ignored", field, node.get("role").asText());
                return;
            }
            Instant updated = null;
            if (node.hasNonNull("updated")) {
                try {
                    updated = Instant.parse(node.get("updated").asText());
                } catch (DateTimeParseException e) {
                    LOG.debug("agent_status[{}]: unparseable 'updated' {}", field, node.get("updated"));
                }
            }
            if (node.hasNonNull("sandbox")) {
                sandboxes.put(role, node.get("sandbox").asText(""));
            }
            String task = node.path("task").asText("");
            int queued = node.path("queued").asInt(0);
            if (queued > 0) {
                task = (task.isBlank() ? "" : task + " ") + "(+" + queued + " queued)";
            }
            String bus = node.path("bus").asText("");
            if (!bus.isBlank()) {
                task = (task.isBlank() ? "" : task + " ") + "[bus: " + bus + "]";
            }
            heartbeats.put(role, new AgentState(role, node.path("state").asText("unknown"), task, updated,
                    AgentState.Source.HEARTBEAT));
        } catch (Exception e) {
            LOG.warn("agent_status[{}] is not valid JSON and is ignored (the agent writes it; check its version): {}",
                    field, e.getMessage());
        }
    }

    /** The state of every role, heartbeat first, in {@link Roles#ALL} order. */
    public synchronized List<AgentState> snapshot() {
        List<AgentState> out = new ArrayList<>();
        for (String role : Roles.ALL) {
            AgentState beat = heartbeats.get(role);
            AgentState seen = derived.get(role);
            // A halt or a newer message beats a heartbeat that predates it.
            if (beat != null && isStale(beat)) {
                // Agents beat every 15 s: a heartbeat this old means the process is gone (or cut off from Redis).
                out.add(new AgentState(role, "down", "", beat.since(), AgentState.Source.HEARTBEAT));
            } else if (beat != null && (seen == null || beat.since() == null || seen.since() == null
                    || !seen.since().isAfter(beat.since()))) {
                out.add(beat);
            } else if (seen != null) {
                out.add(beat == null ? unconfirmed(seen) : seen);
            } else {
                out.add(beat != null ? beat : AgentState.unknown(role));
            }
        }
        return out;
    }

    /** A belief from messages alone that nothing confirmed for too long becomes "unknown". */
    private AgentState unconfirmed(AgentState seen) {
        if (seen.since() == null) {
            return seen;
        }
        Duration age = Duration.between(seen.since(), clock.instant());
        boolean old = switch (seen.state()) {
            case "busy" -> age.compareTo(STALE_AFTER) > 0;
            case "halting" -> age.compareTo(HALT_GRACE) > 0;
            default -> false;
        };
        if (!old) {
            return seen;
        }
        String was = "halting".equals(seen.state()) ? "no \"halted\" after " + seen.task()
                : "was busy" + (seen.task().isEmpty() ? "" : ": " + seen.task());
        return new AgentState(seen.role(), "unknown", was, seen.since(), AgentState.Source.MESSAGES);
    }

    /**
     * How {@code role}'s tool processes are isolated, as its heartbeat says: {@code bwrap}, {@code none} (explicitly
     * unconfined) or {@code unavailable} (its process tools refuse to run); empty when not reported.
     */
    public synchronized String sandbox(String role) {
        return sandboxes.getOrDefault(role, "");
    }

    /** A warning for the status line when {@code role}'s tools are unconfined or disabled, else empty. */
    public String sandboxWarning(String role) {
        return switch (sandbox(role)) {
            case "none" -> "UNSANDBOXED";
            case "unavailable" -> "NO SANDBOX: tools off";
            default -> "";
        };
    }

    /** Whether {@code state}'s heartbeat claims a time more than {@link #FUTURE_TOLERANCE} ahead of this clock. */
    public boolean isFuture(AgentState state) {
        return state.source() == AgentState.Source.HEARTBEAT && state.since() != null
                && Duration.between(clock.instant(), state.since()).compareTo(FUTURE_TOLERANCE) > 0;
    }

    /** Whether {@code state}'s heartbeat is older than {@link #STALE_AFTER}. */
    public boolean isStale(AgentState state) {
        return state.source() == AgentState.Source.HEARTBEAT && state.since() != null
                && Duration.between(state.since(), clock.instant()).compareTo(STALE_AFTER) > 0;
    }

    /** How long ago {@code state} was reported, e.g. {@code 42s}, {@code 3m}, {@code 2h}; empty when unknown. */
    public String age(AgentState state) {
        if (state.since() == null) {
            return "";
        }
        long s = Math.max(0, Duration.between(state.since(), clock.instant()).toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" : (s / 3600) + "h";
    }

    private static String oneLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 80 ? line.substring(0, 77) + "..." : line;
    }

    private static String withoutCode(String content) {
        return content.replaceAll("(?s)```.*?```", " ").replaceAll("`[^`\n]*`", " ");
    }
}
