package dev.minilab.runtime.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageCodec;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.security.SignatureGuard;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 finding 1 on a real Redis with keys: an attacker who captured signed payloads (any Redis reader can)
 * re-publishes them. A request from before the User's CLEAR never runs again: not after the CLEAR, not after the agent
 * restarts, not after a replayed CLEAR; a capture older than the freshness window is dropped live.
 */
class ReplayIT {

    private static final List<String> TEAM = List.of("Architect_Zero", "User");

    @RegisterExtension
    static final SignedTeamRedis SIGNED = new SignedTeamRedis(TEAM);

    @TempDir
    Path docs;
    @org.junit.jupiter.api.BeforeEach
    void freshConversation() {
        SIGNED.redis().command("FLUSHALL"); // this class's own server: every test starts before any CLEAR
    }

    private static void replay(String payload) {
        SIGNED.redis().command("PUBLISH", SIGNED.redis().namespace() + "agent_channel", payload);
    }

    /** Sends a genuine request and waits for its turn: every replay published before it has been dealt with. */
    private static void roundTrip(Team.Client user, ScriptedLlmServer llm, String marker) {
        user.bus().publish(Message.chat(Message.USER, marker + " please"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Team.turnsFor(llm, "Architect_Zero", marker) == 1);
    }

    /**
     * Starts Architect_Zero, sends a User request marked {@code marker}, waits until it ran once and the genuine
     * request {@code genuine} after it too (so the agent's progress is saved past it), and stops the agent; returns
     * the request as an attacker captured it.
     */
    private String capturedAfterItRan(Team.Client user, ScriptedLlmServer llm, String marker, String genuine) {
        try (Team.RunningAgent architect = SIGNED.startAgent("Architect_Zero", llm, docs)) {
            String request = MessageCodec.encode(user.bus().publish(Message.chat(Message.USER, marker + " build ")));
            await().atMost(Duration.ofSeconds(30)).until(() -> Team.turnsFor(llm, "Architect_Zero", marker) == 1);
            roundTrip(user, llm, genuine);
            return request;
        }
    }

    @Test
    void aCapturedRequestNeverRunsAgainAfterClearRestartOrAReplayedClear() {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             Team.Client user = SIGNED.connect("User")) {
            llm.when(Rule.forRole("Architect_Zero")).reply(Reply.text("Done."));
            SignatureGuard architectGuard = SIGNED.guardOf("Architect_Zero");
            Team.RunningAgent architect = Team.startAgent("Architect_Zero", SIGNED.redis(), llm, architectGuard, docs);
            try {
                // given: a request that ran, and the User's CLEAR, both captured by the attacker
                String request = MessageCodec.encode(user.bus().publish(Message.chat(Message.USER,
                        "REPLAY-CAPTURED delete the VMs ")));
                await().atMost(Duration.ofSeconds(30)).until(() -> Team.turnsFor(llm, "Architect_Zero",
                        "REPLAY-CAPTURED") == 1);
                Message clear = user.bus().publish(Message.control(ControlCommand.CLEAR));
                user.bus().saveSessionEpoch(clear);
                await().atMost(Duration.ofSeconds(10)).until(() -> architectGuard.epoch().isPresent());
                user.bus().clearConversation();

                // when: replayed after the CLEAR
                replay(request);
                roundTrip(user, llm, "GENUINE-ONE");
                assertThat(Team.turnsFor(llm, "Architect_Zero", "REPLAY-CAPTURED")).isEqualTo(1);
            } finally {
                architect.close();
            }

            // when: the agent restarts (no memory), then the captured CLEAR and request are replayed
            SignatureGuard restartedGuard = SIGNED.guardOf("Architect_Zero");
            Team.RunningAgent restarted = Team.startAgent("Architect_Zero", SIGNED.redis(), llm, restartedGuard, docs);
            try {
                restarted.bus().adoptSessionEpoch();
                assertThat(restartedGuard.epoch()).isPresent();
                replay(MessageCodec.encode(user.bus().history(50).stream().findFirst().orElseThrow()));
                roundTrip(user, llm, "GENUINE-TWO");
                assertThat(Team.turnsFor(llm, "Architect_Zero", "REPLAY-CAPTURED")).isEqualTo(1);
            } finally {
                restarted.close();
            }
        }
    }

    @Test
    void aCapturedClearThenRequestReplayedDoNotRunTheRequestAgain() {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             Team.Client user = SIGNED.connect("User")) {
            llm.when(Rule.forRole("Architect_Zero")).reply(Reply.text("Done."));
            SignatureGuard architectGuard = SIGNED.guardOf("Architect_Zero");
            try (Team.RunningAgent architect = Team.startAgent("Architect_Zero", SIGNED.redis(), llm, architectGuard,
                    docs)) {
                Message firstClear = user.bus().publish(Message.control(ControlCommand.CLEAR));
                await().atMost(Duration.ofSeconds(10)).until(() -> architectGuard.epoch().isPresent());
                String capturedClear = MessageCodec.encode(firstClear);
                String request = MessageCodec.encode(user.bus().publish(Message.chat(Message.USER,
                        "THIRD-RUN build ")));
                await().atMost(Duration.ofSeconds(30)).until(() -> Team.turnsFor(llm, "Architect_Zero", "THIRD-RUN") == 1);
                Message secondClear = user.bus().publish(Message.control(ControlCommand.CLEAR));
                await().atMost(Duration.ofSeconds(10)).until(() -> architectGuard.epoch()
                        .filter(e -> e.equals(secondClear.timestamp())).isPresent());

                // the attacker replays the first CLEAR (hoping to go back to its session), then the request
                replay(capturedClear);
                replay(request);
                roundTrip(user, llm, "GENUINE-THREE");

                assertThat(Team.turnsFor(llm, "Architect_Zero", "THIRD-RUN")).isEqualTo(1);
                assertThat(architectGuard.epoch()).contains(secondClear.timestamp());
            }
        }
    }

    @Test
    void aCaptureOlderThanTheFreshnessWindowIsDroppedLive() {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             Team.Client user = SIGNED.connect("User");
             Team.RunningAgent architect = SIGNED.startAgent("Architect_Zero", llm, docs)) {
            llm.when(Rule.forRole("Architect_Zero")).reply(Reply.text("Done."));
            // a genuine User message of 20 minutes ago (same session), as a capture would hold it
            Message old = user.bus().guard().seal(new Message(UUID.randomUUID().toString(), 1, Message.USER,
                    "STALE-CAPTURE wipe the cluster ", Instant.now().minus(Duration.ofMinutes(20)), MessageKind.CHAT,
                    List.of(), null));
            replay(MessageCodec.encode(old));
            roundTrip(user, llm, "GENUINE-FOUR");

            assertThat(Team.turnsFor(llm, "Architect_Zero", "STALE-CAPTURE")).isZero();
        }
    }

    @Test
    void aCapturedRequestReplayedToARestartedAgentInTheSameSessionDoesNotRunAgain() {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             Team.Client user = SIGNED.connect("User")) {
            llm.when(Rule.forRole("Architect_Zero")).reply(Reply.text("Done."));
            String request = capturedAfterItRan(user, llm, "SAME-SESSION", "GENUINE-FIVE");
            // the agent restarts (its seen ids are gone); no CLEAR, the capture is seconds old
            try (Team.RunningAgent restarted = SIGNED.startAgent("Architect_Zero", llm, docs)) {
                replay(request);
                roundTrip(user, llm, "GENUINE-SIX");
                assertThat(Team.turnsFor(llm, "Architect_Zero", "SAME-SESSION")).isEqualTo(1);
            }
        }
    }

    /**
     * The catch-up path: agents may RPUSH chat_history, so a stolen agent password can push a captured request back
     * into the history for a restarting agent to read. In the same session the agent's progress is past it; after the
     * User's CLEAR its epoch is refused, even when the attacker also rewound the agent's progress to 0.
     */
    @Test
    void aCapturedRequestPushedBackIntoTheHistoryDoesNotRunAgainAfterARestartOrAClear() {
        String history = SIGNED.redis().namespace() + "chat_history";
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             Team.Client user = SIGNED.connect("User")) {
            llm.when(Rule.forRole("Architect_Zero")).reply(Reply.text("Done."));
            String request = capturedAfterItRan(user, llm, "PUSHED-BACK", "GENUINE-SEVEN");
            // same session: pushed back while the agent is down, read by its catch-up after the restart
            SIGNED.redis().command("RPUSH", history, request);
            try (Team.RunningAgent restarted = SIGNED.startAgent("Architect_Zero", llm, docs)) {
                roundTrip(user, llm, "GENUINE-EIGHT");
                assertThat(Team.turnsFor(llm, "Architect_Zero", "PUSHED-BACK")).isEqualTo(1);
                Message clear = user.bus().publish(Message.control(ControlCommand.CLEAR));
                user.bus().saveSessionEpoch(clear);
                user.bus().clearConversation();
            }
            // after the CLEAR, with the agent's progress rewound as well (its own password may HSET it)
            SIGNED.redis().command("HSET", SIGNED.redis().namespace() + "agent_progress:Architect_Zero", "seq", "0");
            SIGNED.redis().command("RPUSH", history, request);
            SignatureGuard guard = SIGNED.guardOf("Architect_Zero");
            try (TeamBus adopt = TeamBus.connect(Team.settings(SIGNED.redis()), guard)) {
                adopt.adoptSessionEpoch(); // what AgentMain does before the agent starts
            }
            assertThat(guard.epoch()).isPresent();
            try (Team.RunningAgent again = Team.startAgent("Architect_Zero", SIGNED.redis(), llm, guard, docs)) {
                roundTrip(user, llm, "GENUINE-NINE");
                assertThat(Team.turnsFor(llm, "Architect_Zero", "PUSHED-BACK")).isEqualTo(1);
            }
        }
    }
}
