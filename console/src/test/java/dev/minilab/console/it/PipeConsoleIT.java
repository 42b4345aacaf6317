package dev.minilab.console.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minilab.testkit.FreePort;
import dev.minilab.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The console driven from a pipe against a real redis-server: plain output, the same commands as on a terminal. */
class PipeConsoleIT {

    @TempDir
    Path workspace;

    private RedisServer redis;
    private TeamSide team;

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(RedisServer.Options.defaults().withStrategies(RedisServer.Kind.PROCESS));
        team = new TeamSide(redis.uri());
    }

    @AfterEach
    void stopRedis() throws Exception {
        team.close();
        redis.close();
    }

    private PipeConsole console() throws Exception {
        return PipeConsole.start(workspace, Map.of("REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()))).awaitReady();
    }

    @Test
    void printsEveryChannelMessageAsOnePlainLineWithoutColours() throws Exception {
        try (PipeConsole console = console()) {
            console.type("please write docs/hello.md");
            await().atMost(Duration.ofSeconds(60)).until(() -> team.seen.size() == 1);
            team.publish("Architect_Zero", "chat", "@DevOps_Builder write docs/hello.md\nwith two lines");
            team.publish("DevOps_Builder", "status", "save_file running, 6 s");
            team.publish("Architect_Zero", "chat", "Which node should host it?", "User");

            console.awaitLine(l -> l.equals("[Architect_Zero]: Which node should host it?"));
            assertThat(console.out).containsSubsequence(
                    "[User]: please write docs/hello.md",
                    "[Architect_Zero]: @DevOps_Builder write docs/hello.md", "with two lines",
                    "[DevOps_Builder]: save_file running, 6 s",
                    "[Architect_Zero]: Which node should host it?");
            assertThat(console.out).noneMatch(l -> l.contains("\u001b"));
        }
    }

    @Test
    void userMessageReachesRedisAsChatAndIsKeptInHistory() throws Exception {
        try (PipeConsole console = console()) {
            console.type("build a VM");

            await().atMost(Duration.ofSeconds(60)).until(() -> !team.seen.isEmpty());
            JsonNode m = team.seen.getFirst();
            assertThat(m.path("sender").asText()).isEqualTo("User");
            assertThat(m.path("kind").asText()).isEqualTo("chat");
            assertThat(m.path("content").asText()).isEqualTo("build a VM");
            assertThat(m.path("seq").asLong()).isPositive();
            assertThat(team.redis().lrange("chat_history", 0, -1)).singleElement().asString().contains("build a VM");
        }
    }

    @Test
    void stopFromThePipeIsAUserControlMessage() throws Exception {
        try (PipeConsole console = console()) {
            console.type("stop");

            await().atMost(Duration.ofSeconds(60)).until(() -> !team.seen.isEmpty());
            assertThat(team.seen.getFirst().path("kind").asText()).isEqualTo("control");
            assertThat(team.seen.getFirst().path("content").asText()).isEqualTo("STOP");
            assertThat(team.seen.getFirst().path("sender").asText()).isEqualTo("User");
        }
    }

    @Test
    void commandsAnswerOnStdoutAndAreNeverSentToTheTeam() throws Exception {
        team.redis().set("agent_status:DevOps_Builder",
                "{\"role\":\"DevOps_Builder\",\"state\":\"busy\",\"task\":\"terraform plan\",\"last_seq\":3,\"version\":\"0.1.0\",\"updated\":\""
                        + java.time.Instant.now() + "\"}");
        team.redis().hset("agent_usage", "DevOps_Builder|gpt-5-mini", "{\"input\":1200,\"output\":300,\"calls\":4}");
        Files.createDirectories(workspace.resolve("docs"));
        Files.writeString(workspace.resolve("docs/execution_log_QA_Tester.jsonl"),
                "{\"ts\":\"2026-11-22T02:10:01Z\",\"role\":\"QA_Tester\",\"turn\":1,\"type\":\"tool\",\"tool\":\"run_shell\","
                        + "\"args\":{\"command\":\"curl -sf http://10.0.0.5\"},\"status\":\"OK\",\"exit_code\":0,\"duration_ms\":250,\"result\":\"<html>ok\"}\n");

        try (PipeConsole console = console()) {
            console.type("/status");
            console.type("/cost");
            console.type("/log qa 3");
            console.type("/nonsense please");
            console.type("/help");
            console.type("exit");

            assertThat(console.waitForExit(Duration.ofSeconds(60))).isZero();
            await().atMost(Duration.ofSeconds(2)).until(() -> console.out.contains("  //text              send a message that starts with /")
                    && console.out.stream().filter(l -> l.startsWith("  /status")).count() == 2);
            assertThat(console.out).anyMatch(l -> l.contains("DevOps_Builder") && l.contains("busy") && l.contains("terraform plan")
                    && l.contains("heartbeat"));
            assertThat(console.out).anyMatch(l -> l.matches("\\s+DevOps_Builder\\s+gpt-5-mini\\s+1,200\\s+300\\s+1,500\\s+4\\s+\\$0\\.0009"));
            assertThat(console.out).anyMatch(l -> l.contains("run_shell") && l.contains("OK") && l.contains("exit 0")
                    && l.contains("curl -sf"));
            assertThat(console.out).contains("Unknown command /nonsense (not sent to the team). Commands:");
            assertThat(console.out).noneMatch(l -> l.startsWith("["));
        }
        assertThat(team.seen).isEmpty();
    }

    @Test
    void clearWaitsForHaltedAgentsWipesHistoryAndNamesTheSilentOnes() throws Exception {
        team.publish("User", "chat", "old request");
        team.redis().rpush("user_requirements", "old request");
        team.onMessage = m -> {
            if (m.path("kind").asText().equals("control") && m.path("content").asText().equals("CLEAR")) {
                team.publish("Architect_Zero", "status", "halted");
                team.publish("DevOps_Builder", "status", "halted");
            }
        };
        try (PipeConsole console = console()) {
            console.type("CLEAR");

            console.awaitLine(l -> l.startsWith("CLEAR done"));
            assertThat(console.out).anyMatch(l -> l.startsWith("CLEAR done")
                    && l.contains("Reset confirmed by Architect_Zero, DevOps_Builder")
                    && l.contains("no confirmation from Security_Sentinel, QA_Tester"));
            assertThat(team.redis().exists("chat_history", "user_requirements")).isZero();
        }
    }

    @Test
    void endOfInputExitsCleanlyAndTheConversationLogHoldsTheSession() throws Exception {
        try (PipeConsole console = console()) {
            console.type("hello");
            await().atMost(Duration.ofSeconds(60)).until(() -> console.out.contains("[User]: hello"));
            console.endInput();

            assertThat(console.waitForExit(Duration.ofSeconds(60))).isZero();
            String logLine = console.err.stream().filter(l -> l.contains("conversation log: ")).findFirst().orElseThrow();
            Path log = Path.of(logLine.substring(logLine.indexOf("conversation log: ") + 18).strip());
            assertThat(log.getParent()).isEqualTo(workspace.resolve("console/logs"));
            assertThat(Files.readAllLines(log)).anyMatch(l -> l.endsWith("[User]: hello"));
        }
    }

    @Test
    void aRedisThatStartsAfterTheConsoleIsWaitedForAndTheConsoleWorks() throws Exception {
        redis.kill9(); // the port refuses connections now, as while Compose is still starting Redis
        try (PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port()), "REDIS_CONNECT_WAIT_SECONDS", "60"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> console.err.stream()
                    .anyMatch(l -> l.contains("does not answer yet")));
            assertThat(console.err).singleElement().asString().startsWith("minilab console: Redis at " + redis.host()
                    + ":" + redis.port() + " does not answer yet (").endsWith("retrying for up to 60 s "
                    + "(REDIS_CONNECT_WAIT_SECONDS)");

            redis.restart();

            await().atMost(Duration.ofSeconds(60)).until(() -> console.err.stream()
                    .anyMatch(l -> l.startsWith("MiniLab console (plain mode")));
            assertThat(console.err).anyMatch(l -> l.startsWith("minilab console: connected to Redis at "
                    + redis.host() + ":" + redis.port() + " after "));
            team.close();
            team = new TeamSide(redis.uri());
            console.type("hello after the wait");
            console.awaitLine(l -> l.equals("[User]: hello after the wait"));
            await().atMost(Duration.ofSeconds(60)).until(() -> team.seen.size() == 1);
        }
    }

    @Test
    void aRedisThatNeverAnswersEndsTheConsoleAtTheDeadlineWithExitCode3() throws Exception {
        int closedPort = FreePort.find();
        try (PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_PORT", String.valueOf(closedPort),
                "REDIS_CONNECT_WAIT_SECONDS", "2"))) {
            assertThat(console.waitForExit(Duration.ofSeconds(60))).isEqualTo(3);
            await().atMost(Duration.ofSeconds(2)).until(() -> console.err.stream().anyMatch(l -> l.contains("gave up")));
            List<String> said = console.err.stream().filter(l -> l.startsWith("minilab console: ")).toList();
            assertThat(said).as("stderr: %s", console.err).hasSize(2);
            assertThat(said.get(0)).contains("does not answer yet").contains("retrying for up to 2 s");
            assertThat(said.get(1)).startsWith("minilab console: cannot reach Redis at localhost:" + closedPort
                    + " (gave up after ").contains("REDIS_CONNECT_WAIT_SECONDS=2)").containsIgnoringCase("connection refused");
            assertThat(console.out).isEmpty();
        }
    }

    @Test
    void aWrongRedisPasswordIsNotRetried() throws Exception {
        try (RedisServer locked = RedisServer.start(RedisServer.Options.defaults().withPassword("right-password")
                .withStrategies(RedisServer.Kind.PROCESS));
             PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_HOST", locked.host(),
                     "REDIS_PORT", String.valueOf(locked.port()), "REDIS_PASSWORD", "wrong-password",
                     "REDIS_CONNECT_WAIT_SECONDS", "600"))) {
            assertThat(console.waitForExit(Duration.ofSeconds(60))).as("no retrying for 600 s").isEqualTo(3);
            await().atMost(Duration.ofSeconds(2)).until(() -> !console.err.isEmpty());
            assertThat(console.err).singleElement().asString().startsWith("minilab console: cannot reach Redis at ")
                    .containsIgnoringCase("WRONGPASS");
        }
    }

    @Test
    void unreachableRedisWithoutWaitingIsOneClearLineAndExitCode3() throws Exception {
        int closedPort = FreePort.find();
        try (PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_PORT", String.valueOf(closedPort),
                "REDIS_CONNECT_WAIT_SECONDS", "0"))) {
            assertThat(console.waitForExit(Duration.ofSeconds(60))).isEqualTo(3);
            await().atMost(Duration.ofSeconds(2)).until(() -> !console.err.isEmpty());
            assertThat(console.err).singleElement().asString()
                    .startsWith("minilab console: cannot reach Redis at localhost:" + closedPort + ": ")
                    .containsIgnoringCase("connection refused")
                    .contains("start Redis or set REDIS_HOST/REDIS_PORT (or REDIS_URL)");
            assertThat(console.out).isEmpty();
        }
    }

    @Test
    void malformedConnectWaitIsAConfigErrorNamingTheVariable() throws Exception {
        try (PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_CONNECT_WAIT_SECONDS", "forever"))) {
            assertThat(console.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
            await().atMost(Duration.ofSeconds(2)).until(() -> !console.err.isEmpty());
            assertThat(console.err).containsExactly("minilab console: REDIS_CONNECT_WAIT_SECONDS=forever is not valid: "
                    + "expected whole seconds from 0 (one attempt) to 3600");
        }
    }

    @Test
    void malformedRedisPortIsAConfigErrorNamingTheVariable() throws Exception {
        try (PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_PORT", "sixty"))) {
            assertThat(console.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
            await().atMost(Duration.ofSeconds(2)).until(() -> !console.err.isEmpty());
            assertThat(console.err).containsExactly(
                    "minilab console: REDIS_PORT=sixty is not valid: expected an integer from 1 to 65535");
        }
    }

    @Test
    void logsSubcommandPrintsAndFollowsTheMarkdownLog() throws Exception {
        Path md = workspace.resolve("docs/execution_log_DevOps_Builder.md");
        try (PipeConsole missing = PipeConsole.start(workspace, Map.of(), "logs", "devops")) {
            assertThat(missing.waitForExit(Duration.ofSeconds(60))).isEqualTo(1);
            await().atMost(Duration.ofSeconds(2)).until(() -> missing.err.stream().anyMatch(l -> l.contains("no execution log for DevOps_Builder yet")));
        }
        Files.createDirectories(md.getParent());
        Files.writeString(md, "## Turn 1 — 2026-11-22T02:10:00Z — from Architect_Zero\n\n### save_file\n- status: OK\n");
        try (PipeConsole follow = PipeConsole.start(workspace, Map.of(), "logs", "DevOps_Builder", "-f")) {
            follow.awaitLine(l -> l.equals("- status: OK"));
            Files.writeString(md, "### run_shell\n- status: ERROR\n", java.nio.file.StandardOpenOption.APPEND);
            follow.awaitLine(l -> l.equals("- status: ERROR"));
            assertThat(follow.out).containsSubsequence(List.of("### save_file", "- status: OK", "### run_shell", "- status: ERROR"));
        }
    }

    @Test
    void waitReplyKeepsPrintingAfterEndOfInputUntilTheTeamAnswersTheUser() throws Exception {
        try (PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port())), "--wait-reply=30").awaitReady()) {
            console.type("list the nodes");
            console.endInput();
            await().atMost(Duration.ofSeconds(60)).until(() -> !team.seen.isEmpty());

            team.publish("Architect_Zero", "chat", "@DevOps_Builder list the Proxmox nodes");
            team.publish("DevOps_Builder", "chat", "@Architect_Zero pve1, pve2");
            console.awaitLine(l -> l.equals("[DevOps_Builder]: @Architect_Zero pve1, pve2"));
            assertThat(console.waitForExit(Duration.ofMillis(500))).as("still waiting for the answer to the User").isNull();

            team.publish("Architect_Zero", "chat", "The cluster has two nodes: pve1 and pve2.", "User");

            assertThat(console.waitForExit(Duration.ofSeconds(60))).isZero();
            await().atMost(Duration.ofSeconds(2)).until(() -> console.out.contains("[Architect_Zero]: The cluster has two nodes: pve1 and pve2."));
            assertThat(console.out).containsSubsequence("[User]: list the nodes",
                    "[Architect_Zero]: @DevOps_Builder list the Proxmox nodes",
                    "[DevOps_Builder]: @Architect_Zero pve1, pve2",
                    "[Architect_Zero]: The cluster has two nodes: pve1 and pve2.");
        }
    }

    @Test
    void waitReplyIgnoresAnIntermediateOkWhileATeammateIsStillBusy() throws Exception {
        // Issue 18 item 11: --wait-reply returned on Architect_Zero's "OK." while DevOps_Builder was still working.
        try (PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port())), "--wait-reply=60").awaitReady()) {
            console.type("@DevOps_Builder list the nodes");
            console.endInput();
            await().atMost(Duration.ofSeconds(60)).until(() -> !team.seen.isEmpty());

            heartbeat("DevOps_Builder", "busy");
            heartbeat("Architect_Zero", "idle");
            team.publish("Architect_Zero", "chat", "OK.");
            console.awaitLine(l -> l.equals("[Architect_Zero]: OK."));
            assertThat(console.waitForExit(Duration.ofSeconds(4))).as("DevOps_Builder is still busy").isNull();

            team.publish("DevOps_Builder", "chat", "@Architect_Zero pve1, pve2");
            heartbeat("DevOps_Builder", "idle");
            team.publish("Architect_Zero", "chat", "The cluster has two nodes: pve1 and pve2.");

            assertThat(console.waitForExit(Duration.ofSeconds(60))).isZero();
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    console.out.contains("[Architect_Zero]: The cluster has two nodes: pve1 and pve2."));
        }
    }

    private void heartbeat(String role, String state) {
        team.redis().set("agent_status:" + role, "{\"role\":\"" + role + "\",\"state\":\"" + state
                + "\",\"task\":\"\",\"queued\":0,\"updated\":\"" + java.time.Instant.now() + "\"}");
    }

    @Test
    void waitReplyGivesUpWithExitCode5() throws Exception {
        try (PipeConsole console = PipeConsole.start(workspace, Map.of("REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port())), "--wait-reply=1").awaitReady()) {
            console.type("anyone there?");
            console.endInput();

            assertThat(console.waitForExit(Duration.ofSeconds(60))).isEqualTo(5);
            await().atMost(Duration.ofSeconds(2)).until(() -> console.err.stream().anyMatch(l -> l.contains("no answer to the User within 1 s")));
        }
    }

    @Test
    void unknownArgumentIsAUsageError() throws Exception {
        try (PipeConsole console = PipeConsole.start(workspace, Map.of(), "--fast")) {
            assertThat(console.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
            await().atMost(Duration.ofSeconds(2)).until(() -> !console.err.isEmpty());
            assertThat(console.err.getFirst()).startsWith("minilab console: unknown argument '--fast'. Usage:");
        }
    }

    @Test
    void theFirstLineSaysTheTeamIsInPlanOnlyMode() throws Exception {
        try (PipeConsole planOnly = PipeConsole.start(workspace, Map.of("REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port()), "MINILAB_MODE", "plan-only")).awaitReady()) {
            assertThat(planOnly.err).filteredOn(l -> l.contains("connected to Redis")).singleElement().asString()
                    .contains("mode plan-only");
        }
        try (PipeConsole normal = console()) {
            assertThat(normal.err).filteredOn(l -> l.contains("connected to Redis")).singleElement().asString()
                    .contains("mode normal").doesNotContain("plan-only");
        }
    }
}
