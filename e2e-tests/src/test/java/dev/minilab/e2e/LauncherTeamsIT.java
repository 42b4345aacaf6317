package dev.minilab.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.FreePort;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./minilab up --team NAME} twice on one machine (issue 13): the first team starts Redis, the second joins
 * it (the Redis re-reads users.acl), and each console sees its own team's answer only.
 */
class LauncherTeamsIT {

    @Test
    void twoTeamsShareTheRedisTheFirstStartedAndNeverSeeEachOthersMessages() throws Exception {
        int redisPort = FreePort.find();
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             TempWorkspace blueSpace = TempWorkspace.create("minilab-team-blue");
             TempWorkspace redSpace = TempWorkspace.create("minilab-team-red")) {
            llm.when(Rule.forRole("Architect_Zero").lastMessageContains("blue question"))
                    .reply(Reply.toolCall("finish_task", "{\"summary\":\"Blue answer.\"}"));
            llm.when(Rule.forRole("Architect_Zero").lastMessageContains("red question"))
                    .reply(Reply.toolCall("finish_task", "{\"summary\":\"Red answer.\"}"));
            // one person, one HOME: both teams' keys in the same ~/.config/minilab/keys
            Path home = blueSpace.resolve(".test-home");
            Launcher blue = new Launcher(blueSpace.root(), Map.of("HOME", home.toString()));
            Launcher red = new Launcher(redSpace.root(), Map.of("HOME", home.toString()));
            for (TempWorkspace space : List.of(blueSpace, redSpace)) {
                Files.writeString(space.resolve(".env"), String.join("\n",
                        "REDIS_HOST=127.0.0.1",
                        "REDIS_PORT=" + redisPort,
                        "OPENAI_API_BASE=" + llm.baseUrl(),
                        "OPENAI_API_KEY=sk-test-teams-not-a-real-key",
                        "LLM_MODEL=scripted-model",
                        ""));
            }
            try (ChildProcess blueUp = blue.start(List.of("up", "--team", "blue"), "up")) {
                blueUp.awaitOutput("conversation log", Duration.ofSeconds(180));
                try (ChildProcess redUp = red.start(List.of("up", "--team", "red"), "up")) {
                    redUp.awaitOutput("conversation log", Duration.ofSeconds(180));
                    assertThat(redUp.output()).contains("this team (keys under red:) joins it").doesNotContain("starting redis-server");
                    assertThat(blueUp.output()).contains("starting redis-server on 127.0.0.1:" + redisPort);

                    send(blueUp, "blue question: is the team there?");
                    blueUp.awaitOutput("[Architect_Zero]: Blue answer.", Duration.ofSeconds(90));
                    send(redUp, "red question: is the team there?");
                    redUp.awaitOutput("[Architect_Zero]: Red answer.", Duration.ofSeconds(90));

                    // Each team's history is under its prefix, read as its own User; the other's is out of reach.
                    Path keys = blue.keysDir();
                    assertThat(lrange(redisPort, "blue.user", keys.resolve("redis/teams/blue/User.password"),
                            "blue:chat_history")).anyMatch(m -> m.contains("Blue answer.")).noneMatch(m -> m.contains("Red"));
                    assertThat(lrange(redisPort, "red.user", keys.resolve("redis/teams/red/User.password"),
                            "red:chat_history")).anyMatch(m -> m.contains("Red answer.")).noneMatch(m -> m.contains("Blue"));
                    assertThat(lrangeError(redisPort, "red.user", keys.resolve("redis/teams/red/User.password"),
                            "blue:chat_history")).contains("NOPERM");
                    assertThat(lrangeError(redisPort, "red.user", keys.resolve("redis/teams/red/User.password"),
                            "chat_history")).contains("NOPERM");

                    send(redUp, "exit");
                    assertThat(redUp.awaitExit(Duration.ofSeconds(60))).isZero();
                }
                // red's exit stopped red's agents only: blue (and the Redis blue started) still answer
                assertThat(blueUp.process().isAlive()).isTrue();
                send(blueUp, "blue question: still there?");
                await().atMost(Duration.ofSeconds(90)).until(() -> blueUp.output().split("Blue answer\\.", -1).length > 2);
                assertThat(blueUp.output()).doesNotContain("Red answer.");
                send(blueUp, "exit");
                assertThat(blueUp.awaitExit(Duration.ofSeconds(60))).isZero();
            } finally {
                LauncherTerminalIT.down(red);
                LauncherTerminalIT.down(blue);
            }
        }
    }

    private static void send(ChildProcess up, String line) throws IOException {
        OutputStream stdin = up.process().getOutputStream();
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private static List<String> lrange(int port, String user, Path passwordFile, String key) throws IOException {
        RedisClient client = RedisClient.create(uri(port, user, passwordFile));
        try (var connection = client.connect()) {
            return connection.sync().lrange(key, 0, -1);
        } finally {
            client.shutdown();
        }
    }

    private static String lrangeError(int port, String user, Path passwordFile, String key) throws IOException {
        try {
            return "no error: " + lrange(port, user, passwordFile, key);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static RedisURI uri(int port, String user, Path passwordFile) throws IOException {
        return RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withAuthentication(user, Files.readString(passwordFile).strip().toCharArray()).build();
    }
}
