package dev.minilab.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.console.render.QuestionDetector;
import dev.minilab.console.status.StatusBoard;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Decides when the task a User message started has ended, for {@code --wait-reply}: at once on a message addressed
 * to the User ({@code finish_task}'s summary, a question, an escalation), or on an answer meant for the User (see
 * {@link QuestionDetector#isForUser}) once the team is quiet — no agent's fresh heartbeat says busy or has queued
 * work for {@link #QUIET} — so an intermediate "OK." while teammates still work does not end the wait.
 *
 * <p>Thread-safe: {@link #onMessage} is called on bus threads, {@link #await} on the session thread.
 */
final class ReplyWatch {

    /** How long the team must be quiet after an answer for the User before the task counts as ended. */
    static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final Object lock = new Object();
    private boolean awaiting;
    private Message candidate;

    ReplyWatch(Clock clock) {
        this.clock = clock;
    }

    /** The User sent a message: its task is open. */
    void userSent() {
        synchronized (lock) {
            awaiting = true;
            candidate = null;
        }
    }

    /** Every channel message: a role's chat either ends the task, is a candidate end, or shows work goes on. */
    void onMessage(Message message) {
        if (message.kind() != MessageKind.CHAT || !Roles.isRole(message.sender())) {
            return;
        }
        synchronized (lock) {
            if (!awaiting) {
                return;
            }
            if (message.to().contains(Roles.USER)) {
                awaiting = false;
                candidate = null;
            } else {
                candidate = QuestionDetector.isForUser(message) ? message : null;
            }
            lock.notifyAll();
        }
    }

    /**
     * Waits until the task ended; false when {@code timeout} passed first. True at once when no User message is open.
     *
     * @param statuses reads {@code agent_status} (role → heartbeat JSON); a failure counts as "not quiet"
     */
    boolean await(Duration timeout, Supplier<Map<String, String>> statuses) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long quietSince = 0;
        while (true) {
            Message answer;
            synchronized (lock) {
                if (!awaiting) {
                    return true;
                }
                answer = candidate;
            }
            if (answer != null && teamQuiet(statuses)) {
                long now = System.nanoTime();
                if (quietSince == 0) {
                    quietSince = now;
                } else if (now - quietSince >= QUIET.toNanos()) {
                    synchronized (lock) {
                        if (candidate == answer) {
                            awaiting = false;
                            return true;
                        }
                    }
                    quietSince = 0;
                }
            } else {
                quietSince = 0;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            synchronized (lock) {
                if (awaiting && candidate == answer) {
                    lock.wait(Math.max(1, Math.min(left, POLL.toNanos()) / 1_000_000));
                }
            }
        }
    }

    /** No agent whose heartbeat is fresh is busy or has queued messages. */
    private boolean teamQuiet(Supplier<Map<String, String>> statuses) {
        Map<String, String> beats;
        try {
            beats = statuses.get();
        } catch (RuntimeException e) {
            return false;
        }
        Instant now = clock.instant();
        for (String json : beats.values()) {
            try {
                JsonNode node = JSON.readTree(json);
                Instant updated = node.hasNonNull("updated") ? Instant.parse(node.get("updated").asText()) : null;
                if (updated == null || Duration.between(updated, now).compareTo(StatusBoard.STALE_AFTER) > 0) {
                    continue; // a dead agent does not keep the wait open
                }
                if ("busy".equals(node.path("state").asText()) || node.path("queued").asInt(0) > 0) {
                    return false;
                }
            } catch (Exception e) {
                // An unreadable heartbeat says nothing about the work.
            }
        }
        return true;
    }
}
