package dev.minilab.console.status;

import dev.minilab.runtime.bus.Message;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusBoardTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private final StatusBoard board = new StatusBoard(Clock.fixed(NOW, ZoneOffset.UTC));

    private static Message at(Message m, int secondsAgo) {
        return new Message(m.id(), m.seq(), m.sender(), m.content(), NOW.minusSeconds(secondsAgo), m.kind(), m.to(), null);
    }

    private AgentState state(String role) {
        return board.snapshot().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow();
    }

    @Test
    void withoutAnythingEveryRoleIsUnknown() {
        assertThat(board.snapshot()).extracting(AgentState::state).containsOnly("unknown");
        assertThat(StatusView.table(board)).hasSize(5).allMatch(l -> l.equals("Team status:") || l.contains("no heartbeat and no message yet"));
    }

    @Test
    void derivesBusyFromUserRequestAndMentionsAndIdleFromReplies() {
        board.onMessage(at(Message.chat("User", "build a VM"), 30));
        assertThat(state("Architect_Zero").state()).isEqualTo("busy");
        assertThat(state("Architect_Zero").task()).isEqualTo("User: build a VM");

        board.onMessage(at(Message.chat("Architect_Zero", "@DevOps_Builder please write main.tf (not `@QA_Tester`)"), 20));
        assertThat(state("Architect_Zero").state()).isEqualTo("idle");
        assertThat(state("DevOps_Builder").state()).isEqualTo("busy");
        assertThat(state("DevOps_Builder").task()).isEqualTo("asked by Architect_Zero");
        assertThat(state("QA_Tester").state()).isEqualTo("unknown");

        board.onMessage(at(Message.status("DevOps_Builder", "terraform apply running, 42 s"), 10));
        assertThat(state("DevOps_Builder").task()).isEqualTo("terraform apply running, 42 s");

        board.onMessage(at(Message.status("DevOps_Builder", "halted"), 5));
        assertThat(state("DevOps_Builder").state()).isEqualTo("halted");
    }

    @Test
    void heartbeatWinsOverOlderMessagesAndIsMarkedStaleWhenOld() {
        board.onMessage(at(Message.chat("User", "build"), 100));
        board.applyHeartbeats(Map.of(
                "Architect_Zero", "{\"role\":\"Architect_Zero\",\"state\":\"busy\",\"task\":\"planning\",\"last_seq\":4,\"queued\":2,\"updated\":\"" + NOW.minusSeconds(3) + "\"}",
                "QA_Tester", "{\"role\":\"QA_Tester\",\"state\":\"idle\",\"task\":\"\",\"updated\":\"" + NOW.minusSeconds(600) + "\"}",
                "DevOps_Builder", "not json"));

        assertThat(state("Architect_Zero")).extracting(AgentState::state, AgentState::task, AgentState::source)
                .containsExactly("busy", "planning (+2 queued)", AgentState.Source.HEARTBEAT);
        assertThat(board.isStale(state("Architect_Zero"))).isFalse();
        assertThat(state("QA_Tester").state()).isEqualTo("down");
        assertThat(state("DevOps_Builder").source()).isEqualTo(AgentState.Source.NONE);
        assertThat(StatusView.table(board)).anyMatch(l -> l.contains("QA_Tester") && l.contains("down")
                && l.contains("last heartbeat 10m ago: the agent is not running"));
    }

    @Test
    void anAgentWhoseHeartbeatStoppedIsDownEvenWhenMessagesSayItWasAskedToWork() {
        // Issue 18: the agent was killed 74 s ago; a later @-mention must not make it look busy.
        board.applyHeartbeats(Map.of("DevOps_Builder",
                "{\"role\":\"DevOps_Builder\",\"state\":\"idle\",\"updated\":\"" + NOW.minusSeconds(74) + "\"}"));
        board.onMessage(at(Message.chat("Architect_Zero", "@DevOps_Builder write main.tf"), 30));

        assertThat(state("DevOps_Builder").state()).isEqualTo("down");
        String bar = StatusView.bar(board, new dev.minilab.console.render.MessageFormatter(ZoneOffset.UTC, false), 200)
                .toString();
        assertThat(bar).contains("DevOps down");
    }

    @Test
    void busyOrHaltingFromMessagesAloneBecomesUnknownWhenNothingConfirmsIt() {
        board.onMessage(at(Message.chat("User", "build"), 74));
        board.onMessage(at(Message.control(dev.minilab.runtime.bus.ControlCommand.CLEAR), 20));
        board.onMessage(at(Message.status("QA_Tester", "halted"), 19));
        board.onMessage(at(Message.chat("User", "fresh request"), 5));

        // Architect_Zero: busy 5 s ago is still believed.
        assertThat(state("Architect_Zero").state()).isEqualTo("busy");
        // DevOps_Builder never said "halted" 20 s after CLEAR: nothing shows it is running.
        assertThat(state("DevOps_Builder")).extracting(AgentState::state, AgentState::task)
                .containsExactly("unknown", "no \"halted\" after CLEAR sent");
        assertThat(state("QA_Tester").state()).isEqualTo("halted");
        assertThat(StatusView.table(board)).anyMatch(l -> l.contains("DevOps_Builder") && l.contains("is the agent running?"));
    }

    @Test
    void aBusyFromMessagesOlderThanTheStaleLimitIsUnknown() {
        board.onMessage(at(Message.chat("User", "build"), 74));

        assertThat(state("Architect_Zero")).extracting(AgentState::state, AgentState::task)
                .containsExactly("unknown", "was busy: User: build");
    }

    @Test
    void lostRedisLeadsTheStatusBarAndTheTableUntilItAnswers() {
        assertThat(board.redisLost("Connection refused")).isTrue();
        assertThat(board.redisLost("again")).isFalse();

        String bar = StatusView.bar(board, new dev.minilab.console.render.MessageFormatter(ZoneOffset.UTC, false), 120)
                .toString();
        assertThat(bar).startsWith(StatusView.REDIS_DOWN + " | Architect");
        assertThat(StatusView.table(board).get(1)).contains("Redis does not answer").contains("./minilab down");

        assertThat(board.redisAnswers()).isTrue();
        assertThat(StatusView.bar(board, new dev.minilab.console.render.MessageFormatter(ZoneOffset.UTC, false), 120)
                .toString()).doesNotContain("REDIS");
    }

    @Test
    void aBusProblemInTheHeartbeatIsShownWithTheTask() {
        board.applyHeartbeats(Map.of("QA_Tester", "{\"role\":\"QA_Tester\",\"state\":\"idle\",\"task\":\"\","
                + "\"bus\":\"catch-up retrying: NOPERM\",\"updated\":\"" + NOW + "\"}"));

        assertThat(state("QA_Tester").task()).isEqualTo("[bus: catch-up retrying: NOPERM]");
        assertThat(StatusView.table(board)).anyMatch(l -> l.contains("QA_Tester") && l.contains("catch-up retrying"));
    }

    @Test
    void haltSeenAfterTheLastHeartbeatWins() {
        board.applyHeartbeats(Map.of("DevOps_Builder",
                "{\"state\":\"busy\",\"task\":\"apply\",\"updated\":\"" + NOW.minusSeconds(10) + "\"}"));
        board.onMessage(at(Message.status("DevOps_Builder", "halted"), 2));

        assertThat(state("DevOps_Builder").state()).isEqualTo("halted");
    }

    @Test
    void statusBarFitsTheWidth() {
        board.onMessage(at(Message.chat("User", "a very long request ".repeat(10)), 1));
        var bar = StatusView.bar(board, new dev.minilab.console.render.MessageFormatter(ZoneOffset.UTC, true), 80);
        assertThat(bar.columnLength()).isLessThanOrEqualTo(80);
        assertThat(bar.toString()).contains("Architect busy: User: a very").contains(" | ");
        assertThat(List.of(bar.toAnsi())).allMatch(s -> s.contains("\u001b["));
    }

    @Test
    void planOnlyModeLeadsTheStatusBar() {
        board.mode("plan-only");
        board.onMessage(at(Message.chat("User", "a very long request ".repeat(10)), 1));

        var bar = StatusView.bar(board, new dev.minilab.console.render.MessageFormatter(ZoneOffset.UTC, true), 80);

        assertThat(bar.toString()).startsWith("PLAN-ONLY | Architect busy");
        assertThat(bar.columnLength()).isLessThanOrEqualTo(80);
    }

    @Test
    void theStatusLineWarnsWhenAnAgentsToolsAreUnsandboxedOrDisabled() {
        board.applyHeartbeats(Map.of(
                "DevOps_Builder", "{\"role\":\"DevOps_Builder\",\"state\":\"idle\",\"sandbox\":\"none\",\"updated\":\""
                        + NOW + "\"}",
                "QA_Tester", "{\"role\":\"QA_Tester\",\"state\":\"idle\",\"sandbox\":\"unavailable\",\"updated\":\""
                        + NOW + "\"}",
                "Security_Sentinel", "{\"role\":\"Security_Sentinel\",\"state\":\"idle\",\"sandbox\":\"bwrap\","
                        + "\"updated\":\"" + NOW + "\"}"));

        String bar = StatusView.bar(board, new dev.minilab.console.render.MessageFormatter(ZoneOffset.UTC, true), 200)
                .toString();

        assertThat(bar).contains("DevOps idle UNSANDBOXED", "QA idle NO SANDBOX: tools off", "Security idle")
                .doesNotContain("Security idle UNSANDBOXED");
        assertThat(StatusView.table(board)).anyMatch(l -> l.contains("Security_Sentinel") && l.contains("[sandbox: bwrap]"))
                .anyMatch(l -> l.contains("DevOps_Builder") && l.contains("[sandbox: none]"));
    }

    @Test
    void theKeyNamesTheRoleAndAHeartbeatFromTheFutureIsMarked() {
        // issue 17 finding 6: QA's entry claiming to be Architect's must not show Architect idle
        board.applyHeartbeats(Map.of(
                "QA_Tester", "{\"role\":\"Architect_Zero\",\"state\":\"idle\",\"updated\":\"" + NOW + "\"}",
                "DevOps_Builder", "{\"role\":\"DevOps_Builder\",\"state\":\"idle\",\"updated\":\""
                        + NOW.plusSeconds(3600) + "\"}"));

        assertThat(state("Architect_Zero").state()).isEqualTo("unknown");
        assertThat(state("QA_Tester").state()).isEqualTo("unknown");
        AgentState devops = state("DevOps_Builder");
        assertThat(board.isFuture(devops)).isTrue();
        assertThat(StatusView.table(board)).anyMatch(l -> l.contains("DevOps_Builder") && l.contains("FUTURE"));
    }

    @Test
    void emojiAndCjkInATaskNeverMakeTheBarWiderThanTheTerminal() {
        // Issue 18 (cosmetic): a stray character stayed on the status bar after CJK/emoji input.
        board.onMessage(at(Message.chat("User", "部署 nginx 🚀👍🏽 ✅ 在 pve1 上的容器里 ".repeat(4)), 1));

        for (int width : new int[] {60, 79, 80, 101}) {
            var bar = StatusView.bar(board, new dev.minilab.console.render.MessageFormatter(ZoneOffset.UTC, false), width);
            assertThat(bar.columnLength()).isLessThanOrEqualTo(width);
            assertThat(bar.toString().codePoints()).allMatch(cp -> cp <= 0xFFFF
                    && (cp < 0x2600 || cp > 0x27BF));
            if (width > 100) {
                assertThat(bar.toString()).contains("Architect busy: User: 部署 nginx ·");
            }
        }
    }
}
