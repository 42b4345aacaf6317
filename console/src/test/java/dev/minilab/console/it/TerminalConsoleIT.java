package dev.minilab.console.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minilab.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The console in a real pseudo-terminal (tmux) against a real redis-server. */
class TerminalConsoleIT {

    private static final String CYAN = "\u001b[36m";
    private static final String GREEN = "\u001b[32m";

    @TempDir
    Path workspace;

    private RedisServer redis;
    private TeamSide team;
    private TmuxConsole tty;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start(RedisServer.Options.defaults().withStrategies(RedisServer.Kind.PROCESS));
        team = new TeamSide(redis.uri());
    }

    @AfterEach
    void stop() throws Exception {
        if (tty != null) {
            tty.close();
        }
        if (team != null) {
            team.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private TmuxConsole console() throws Exception {
        tty = TmuxConsole.start(workspace, Map.of("REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port())));
        return tty;
    }

    @Test
    void agentMessagesAreColouredPerRoleWithTimeStampAndWrapped() throws Exception {
        console();
        String longText = "The plan has three steps and this sentence is deliberately long so that it has to wrap "
                + "on a terminal that is only one hundred and twenty columns wide, ending here.";
        team.publish("Architect_Zero", "chat", longText);
        team.publish("DevOps_Builder", "chat", "@Architect_Zero main.tf saved");

        tty.awaitText("main.tf saved");
        String screen = tty.screen();
        assertThat(screen).containsPattern("\\d\\d:\\d\\d:\\d\\d.*\u001b\\[1m\u001b\\[36m\\[Architect_Zero]");
        assertThat(screen).contains(CYAN).contains(GREEN);
        assertThat(screen).containsPattern("\u001b\\[32m[^\n]*main\\.tf saved");
        String text = tty.text();
        assertThat(text).contains("[Architect_Zero] The plan has three steps");
        assertThat(text.lines()).allMatch(l -> l.length() <= TmuxConsole.WIDTH);
        assertThat(text).containsPattern("\n {9}[a-z].*ending here\\.");
    }

    @Test
    void questionForTheUserIsHighlighted() throws Exception {
        console();
        team.publish("Architect_Zero", "chat", "Which Proxmox node should host the VM?", "User");

        tty.awaitText("QUESTION FOR YOU");
        assertThat(tty.screen()).containsPattern("\u001b\\[7m(\u001b\\[[0-9;]*m)* \\? QUESTION FOR YOU ");
    }

    @Test
    void statusBarAndStatusCommandShowHeartbeatsAndDerivedState() throws Exception {
        team.redis().set("agent_status:DevOps_Builder", "{\"role\":\"DevOps_Builder\",\"state\":\"busy\","
                + "\"task\":\"terraform apply\",\"last_seq\":7,\"version\":\"0.1.0\",\"updated\":\"" + Instant.now() + "\"}");
        console();
        tty.awaitScreen(s -> tty.lastLine().contains("DevOps busy: terraform apply"), Duration.ofSeconds(30));

        tty.type("/status");

        tty.awaitText("Team status:");
        assertThat(tty.text()).containsPattern("DevOps_Builder\\s+busy\\s+terraform apply\\s+\\(heartbeat \\d+s ago\\)")
                .containsPattern("QA_Tester\\s+unknown\\s+\\(no heartbeat and no message yet\\)");

        team.publish("User", "chat", "from a second console: build it");
        tty.awaitScreen(s -> tty.lastLine().contains("Architect busy: User: from a second"), Duration.ofSeconds(30));
    }

    @Test
    void unknownCommandAnswersWithTheListAndIsNotPublished() throws Exception {
        console();

        tty.type("/deploy everything");

        tty.awaitText("Unknown command /deploy (not sent to the team). Commands:");
        assertThat(tty.text()).contains("/log <role> [n]").contains("/verbose on|off");
        Thread.sleep(500);
        assertThat(team.seen).isEmpty();
    }

    @Test
    void stopTypedOnTheTerminalReachesRedisAsAUserControlMessage() throws Exception {
        console();

        tty.type("STOP");

        await().atMost(Duration.ofSeconds(30)).until(() -> !team.seen.isEmpty());
        JsonNode m = team.seen.getFirst();
        assertThat(m.path("sender").asText()).isEqualTo("User");
        assertThat(m.path("kind").asText()).isEqualTo("control");
        assertThat(m.path("content").asText()).isEqualTo("STOP");
        tty.awaitText("STOP sent");
    }

    @Test
    void historyPersistsAcrossSessionsAndExitLeavesCleanly() throws Exception {
        console();
        tty.type("first request to remember");
        await().atMost(Duration.ofSeconds(30)).until(() -> !team.seen.isEmpty());
        tty.type("exit");
        tty.awaitText("bye");
        await().atMost(Duration.ofSeconds(30)).until(tty::exited);
        tty.close();

        Path history = workspace.resolve(".minilab/console_history");
        assertThat(Files.readString(history)).contains("first request to remember");
        assertThat(Files.getPosixFilePermissions(history)).hasToString("[OWNER_READ, OWNER_WRITE]");

        console();
        tty.keys("Up", "Up"); // the last entry is "exit", the one before it the request
        tty.awaitScreen(s -> s.lines().anyMatch(l -> l.startsWith("minilab> first request to remember")), Duration.ofSeconds(30));
    }

    @Test
    void verboseShowsTheThinkFeedOnlyWhenOn() throws Exception {
        console();
        team.think("QA_Tester", "hidden reasoning");
        // Think and channel go over the console's one subscription in order: once the marker shows, the hidden
        // note has been handled (and dropped).
        team.publish("QA_Tester", "status", "marker after the hidden note");
        tty.awaitText("marker after the hidden note");
        tty.type("/verbose on");
        tty.awaitText("verbose (think feed) is on");
        team.think("QA_Tester", "visible reasoning");

        tty.awaitText("QA_Tester thinks: visible reasoning");
        assertThat(tty.text()).doesNotContain("hidden reasoning");
    }

    @Test
    void anAgentWhoseHeartbeatStoppedShowsDownNotBusy() throws Exception {
        // Issue 18: a killed agent looked alive. Its last heartbeat is 74 s old; Architect_Zero then asked it to work.
        team.redis().set("agent_status:DevOps_Builder", "{\"role\":\"DevOps_Builder\",\"state\":\"busy\","
                + "\"task\":\"terraform apply\",\"last_seq\":7,\"version\":\"0.1.0\",\"updated\":\""
                + Instant.now().minusSeconds(74) + "\"}");
        console();
        team.publish("Architect_Zero", "chat", "@DevOps_Builder write main.tf");
        tty.awaitText("write main.tf");

        tty.awaitScreen(s -> tty.lastLine().contains("DevOps down"), Duration.ofSeconds(30));
        tty.type("/status");
        tty.awaitText("Team status:");
        assertThat(tty.text()).containsPattern("DevOps_Builder\\s+down\\s+\\(last heartbeat \\d+s ago: the agent is not running");
    }

    @Test
    void clearWithAnAgentThatDoesNotRunEndsInUnknownNotHaltingForever() throws Exception {
        // Three agents confirm, DevOps_Builder is dead (no heartbeat, no "halted").
        team.onMessage = m -> {
            if ("control".equals(m.path("kind").asText())) {
                for (String role : new String[] {"Architect_Zero", "Security_Sentinel", "QA_Tester"}) {
                    team.publish(role, "status", "halted");
                }
            }
        };
        console();

        tty.type("CLEAR");

        tty.awaitText("no confirmation from DevOps_Builder");
        // Within HALT_GRACE (15 s) of the CLEAR, plus the 2 s bar refresh, the dead agent stops looking "halting".
        tty.awaitScreen(s -> tty.lastLine().contains("DevOps unknown"), Duration.ofSeconds(30));
        assertThat(tty.lastLine()).contains("Architect halted").contains("QA halted");
    }

    @Test
    void lowerCaseClearIsRefusedWithAHintAndWipesNothing() throws Exception {
        team.publish("User", "chat", "an earlier request worth keeping");
        console();

        tty.type("clear");

        tty.awaitText("nothing was wiped");
        Thread.sleep(500);
        assertThat(team.seen).noneMatch(m -> "control".equals(m.path("kind").asText()));
        assertThat(team.redis().lrange("chat_history", 0, -1)).anyMatch(m -> m.contains("an earlier request worth keeping"));
    }

    @Test
    void redisGoingAwayIsSaidOnScreenAndInTheStatusBar() throws Exception {
        console();
        tty.awaitScreen(s -> tty.lastLine().contains("Architect"), Duration.ofSeconds(30));

        team.close();
        team = null;
        redis.close(); // as ./minilab down from another terminal does to the Redis that up started
        redis = null;

        tty.awaitText("Redis does not answer");
        assertThat(tty.text()).contains("Was the team stopped (./minilab down");
        tty.awaitScreen(s -> tty.lastLine().startsWith("REDIS DOWN"), Duration.ofSeconds(30));
        tty.type("anyone there?");
        tty.awaitScreen(s -> s.contains("sending the message failed") && s.contains("was the team stopped"),
                Duration.ofSeconds(20));
    }

    @Test
    void tabCompletesRoleNamesAfterLog() throws Exception {
        console();

        tty.keys("-l", "/log dev");
        tty.keys("Tab");

        tty.awaitScreen(s -> s.lines().anyMatch(l -> l.startsWith("minilab> /log devops")), Duration.ofSeconds(30));
    }
}
