package dev.minilab.e2e;

import dev.minilab.testkit.TmuxTerminal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.FreePort;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./minilab up} in a real terminal (tmux) and across restarts, as a newcomer uses it (issue 18). */
class LauncherTerminalIT {

    private static final Duration START = Duration.ofSeconds(150);

    /**
     * One newcomer's session in two {@code ./minilab up} runs (each run starts Redis, four agent JVMs and the console:
     * the three stories below share them instead of paying for four runs).
     * <ol>
     * <li>Ctrl-C in the console clears the line and leaves the team and Redis running: a request typed after it is
     *     answered and every process up started is alive.</li>
     * <li>An agent killed outright shows {@code down} in the bar and in {@code /status}; {@code ./minilab down} from
     *     another terminal stops everything and the console says Redis went away.</li>
     * <li>The user's request and its pin survive the restart of the Redis that up started (second run), and
     *     {@code exit} after a Ctrl-C still stops everything up started.</li>
     * </ol>
     */
    @Test
    void ctrlCKeepsTheTeamAKilledAgentShowsDownAndTheRequestSurvivesARedisRestart() throws Exception {
        int redisPort = FreePort.find();
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             TempWorkspace workspace = TempWorkspace.create("minilab-terminal")) {
            llm.when(Rule.forRole("Architect_Zero")).reply(Reply.toolCall("finish_task",
                    "{\"summary\":\"Noted the request.\"}"));
            writeEnv(workspace.root(), llm, redisPort);
            Launcher launcher = new Launcher(workspace.root(), Map.of());
            String minilab = launcher.repo().resolve("minilab").toString();
            try {
                long firstRedis;
                try (TmuxTerminal tty = TmuxTerminal.start(workspace.root(), env(workspace.root()), List.of(minilab, "up"))) {
                    tty.awaitText("minilab>", START);
                    List<Long> started = pids(workspace.root());
                    assertThat(started).hasSize(5);
                    firstRedis = pid(workspace.root(), "redis");

                    // 1. Ctrl-C on a half-typed line: the console clears it and says how to stop the team.
                    tty.typeWithoutEnter("half a sente");
                    tty.keys("C-c");
                    tty.awaitText("(Ctrl-C) type STOP", Duration.ofSeconds(10));
                    // The team answers after the Ctrl-C: Redis and Architect_Zero are alive (before the fix they
                    // were gone at once and this message timed out).
                    tty.type("build web1 with nginx, remember this");
                    tty.awaitText("Noted the request.", Duration.ofSeconds(60));
                    assertThat(started).allMatch(LauncherTerminalIT::alive);

                    // 2. An agent killed outright (no shutdown, no last heartbeat): once its heartbeat is older than
                    // the 60 s the console allows (agents beat every 15 s), it shows as down, not idle or busy.
                    ProcessHandle.of(pid(workspace.root(), "QA_Tester")).ifPresent(ProcessHandle::destroyForcibly);
                    tty.awaitScreen(s -> tty.lastLine().contains("QA down"), Duration.ofSeconds(120));
                    tty.type("/status");
                    tty.awaitScreen(s -> s.lines().anyMatch(l -> l.contains("QA_Tester") && l.contains("down")
                            && l.contains("the agent is not running")), Duration.ofSeconds(10));
                    assertThat(tty.lastLine()).contains("Architect idle");

                    String down = tty.runInOtherTerminal(workspace.root(), env(workspace.root()), List.of(minilab, "down"),
                            Duration.ofSeconds(30));

                    assertThat(down).contains("minilab: stopped").contains("rc=0");
                    await().atMost(Duration.ofSeconds(15)).until(() -> started.stream().noneMatch(LauncherTerminalIT::alive));
                    // Before: the bar kept showing everyone idle and typing only gave a 5 s time-out.
                    tty.awaitText("Redis does not answer", Duration.ofSeconds(30));
                    tty.awaitScreen(s -> tty.lastLine().startsWith("REDIS DOWN"), Duration.ofSeconds(15));
                    tty.type("exit");
                    await().atMost(Duration.ofSeconds(30)).until(tty::exited);
                }
                // Redis is really gone (its pid file removed, its process ended) before the second start.
                assertThat(workspace.resolve(".minilab/pids/redis.pid")).doesNotExist();
                assertThat(alive(firstRedis)).isFalse();

                // 3. The second run starts its own Redis again, from the data the first one wrote.
                try (TmuxTerminal tty = TmuxTerminal.start(workspace.root(), env(workspace.root()), List.of(minilab, "up"))) {
                    tty.awaitText("minilab>", START);
                    List<Long> started = pids(workspace.root());
                    assertThat(started).hasSize(5);
                    long secondRedis = pid(workspace.root(), "redis");
                    assertThat(secondRedis).as("up started a new redis-server").isNotEqualTo(firstRedis);
                    assertThat(alive(secondRedis)).isTrue();

                    tty.typeWithoutEnter("half a sente");
                    tty.keys("C-c");
                    tty.awaitText("(Ctrl-C) type STOP", Duration.ofSeconds(10));
                    tty.type("/history");
                    tty.awaitScreen(s -> s.lines().anyMatch(l -> l.contains("User") && l.contains("build web1 with nginx,"
                            + " remember this")) && s.lines().anyMatch(l -> l.contains("Architect_Zero")
                            && l.contains("Noted the request.")), Duration.ofSeconds(20));
                    // The pinned requirement came back too (read as the User's ACL user).
                    assertThat(pins(workspace.root(), redisPort)).anyMatch(p -> p.contains("build web1 with nginx"));

                    // exit after a Ctrl-C still stops everything up started.
                    tty.type("exit");
                    await().atMost(Duration.ofSeconds(30)).until(tty::exited);
                    await().atMost(Duration.ofSeconds(15)).until(() -> started.stream().noneMatch(LauncherTerminalIT::alive));
                }
                String redisLog = Files.readString(workspace.resolve("logs/redis.log"));
                assertThat(redisLog).doesNotContain("NOPERM");
            } finally {
                down(launcher);
            }
        }
    }

    static void writeEnv(Path workspace, ScriptedLlmServer llm, int redisPort) throws IOException {
        Files.writeString(workspace.resolve(".env"), String.join("\n",
                "REDIS_HOST=127.0.0.1",
                "REDIS_PORT=" + redisPort,
                "OPENAI_API_BASE=" + llm.baseUrl(),
                "OPENAI_API_KEY=sk-test-terminal-not-a-real-key",
                "LLM_MODEL=scripted-model",
                ""));
    }

    static Map<String, String> env(Path workspace) {
        // HOME of the test's own, as Launcher gives it: the keys go to its .config/minilab/keys, never the developer's
        return Map.of("MINILAB_WORKSPACE", workspace.toString(), "HOME", Launcher.home(workspace).toString(),
                "JAVA_HOME", Path.of(System.getProperty("java.home")).toString(),
                "LANG", "C.UTF-8", "LC_ALL", "C.UTF-8", "TERM", "xterm-256color");
    }

    static List<Long> pids(Path workspace) throws IOException {
        try (var files = Files.list(workspace.resolve(".minilab/pids"))) {
            return files.map(f -> {
                try {
                    return Long.parseLong(Files.readString(f).strip());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static long pid(Path workspace, String name) throws IOException {
        return Long.parseLong(Files.readString(workspace.resolve(".minilab/pids/" + name + ".pid")).strip());
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** {@code ./minilab down}: the detached agents and Redis are not children of the test or of tmux. */
    static void down(Launcher launcher) {
        try (ChildProcess down = launcher.start(List.of("down"), "down")) {
            down.awaitExit(Duration.ofSeconds(30));
        }
    }

    private static List<String> pins(Path workspace, int port) throws IOException {
        String password = Files.readString(Launcher.home(workspace).resolve(".config/minilab/keys/redis/User.password")).strip();
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(io.lettuce.core.RedisURI.builder()
                .withHost("127.0.0.1").withPort(port).withAuthentication("user", password.toCharArray()).build());
        try (var connection = client.connect()) {
            return connection.sync().lrange("user_requirements", 0, -1);
        } finally {
            client.shutdown();
        }
    }
}
