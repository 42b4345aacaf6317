package dev.minilab.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.FreePort;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./minilab up} as a new user runs it: settings in .env, no Redis running, one command. */
class LauncherUpIT {

    @Test
    void upStartsRedisTheAgentsAndASignedConsoleAndStopsThemAllWhenTheConsoleExits() throws Exception {
        int redisPort = FreePort.find();
        int metricsPort = FreePort.findRun(4);
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             TempWorkspace workspace = TempWorkspace.create("minilab-up")) {
            llm.when(Rule.forRole("Architect_Zero")).reply(Reply.toolCall("finish_task",
                    "{\"summary\":\"Nothing to build: the team is up.\"}"));
            Files.writeString(workspace.resolve(".env"), String.join("\n",
                    "# written as a user would, from .env.template",
                    "REDIS_HOST=127.0.0.1",
                    "REDIS_PORT=" + redisPort,
                    "OPENAI_API_BASE=" + llm.baseUrl(),
                    "OPENAI_API_KEY=sk-test-up-not-a-real-key",
                    "LLM_MODEL=scripted-model",
                    "METRICS_PORT=" + metricsPort,
                    "METRICS_HOST=127.0.0.1",
                    "") );
            Launcher launcher = new Launcher(workspace.root(), Map.of());
            try (ChildProcess up = launcher.start(List.of("up"), "up")) {
                up.awaitOutput("conversation log", Duration.ofSeconds(90));
                Path pids = workspace.resolve(".minilab/pids");
                assertThat(pids.resolve("redis.pid")).exists();
                List<Long> started = Files.list(pids).map(ChildProcessPids::read).toList();
                assertThat(started).hasSize(5);

                // The Redis that up started has per-role ACL users only: no password-less access at all.
                assertThat(pingWithoutPassword(redisPort)).startsWith("-NOAUTH");

                OutputStream stdin = up.process().getOutputStream();
                stdin.write("is the team there?\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                up.awaitOutput("[Architect_Zero]: Nothing to build: the team is up.", Duration.ofSeconds(60));
                // METRICS_PORT + i: each agent process serves its own /metrics (issue 9), Architect_Zero's has the call
                List<String> roles = List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel", "QA_Tester");
                for (int i = 0; i < roles.size(); i++) {
                    assertThat(scrape(metricsPort + i)).as(roles.get(i) + "'s /metrics").startsWith("200 ");
                }
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scrape(metricsPort))
                        .containsPattern("agent_llm_calls_total\\{model=\"scripted-model\",role=\"Architect_Zero\"} 1\\.0"));
                stdin.write("exit\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();

                assertThat(up.awaitExit(Duration.ofSeconds(30))).isZero();
                await().atMost(Duration.ofSeconds(10)).until(() -> started.stream()
                        .noneMatch(pid -> ProcessHandle.of(pid).map(ChildProcess::isRunning).orElse(false)));
                assertThat(up.output()).contains("starting redis-server on 127.0.0.1:" + redisPort)
                        .contains("created signing keys").contains("stopping the team");
                // up made the keys on first start, and every process signed with its own.
                // ... outside the workspace (~/.config/minilab/keys), where no tool reaches them (issue 17 finding 5)
                assertThat(launcher.keysDir().resolve("private/User/User.pem")).exists();
                assertThat(launcher.keysDir().resolve("redis/users.acl")).exists();
                assertThat(workspace.resolve("keys")).doesNotExist();
                for (String role : List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel", "QA_Tester")) {
                    assertThat(workspace.resolve("logs/" + role + ".log"))
                            .content().contains("Bus messages are signed as " + role);
                }
            }
        }
    }

    /** "status body" of GET /metrics on a loopback port. */
    private static String scrape(int port) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static String pingWithoutPassword(int port) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** Reads a pid file. */
    private static final class ChildProcessPids {
        static long read(Path file) {
            try {
                return Long.parseLong(Files.readString(file).strip());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
