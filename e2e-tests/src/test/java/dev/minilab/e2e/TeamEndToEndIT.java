package dev.minilab.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole team as a user runs it: four agent JVMs and the console JVM, started through {@code ./minilab}, on a real
 * Redis, with a scripted OpenAI-compatible LLM as the only stand-in.
 *
 * <p>The four agents, Redis and the LLM server are started once for the class (four JVM starts are most of this
 * test's time on a 2-core machine); each test starts its own console and begins with an empty LLM script and
 * channel record. The request test runs first, on the fresh team; the STOP/CLEAR test after it (CLEAR wipes the
 * history the first one asserts on).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeamEndToEndIT {

    private static final List<String> ROLES = List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel",
            "QA_Tester");
    private static final String THINK_MARKERS = "ARCH-REASONING|DEVOPS-STEP-NOTE|DEVOPS-REASONING";

    private RedisServer redis;
    private ScriptedLlmServer llm;
    private TempWorkspace workspace;
    private Launcher launcher;
    private RedisClient observerClient;
    private StatefulRedisPubSubConnection<String, String> observer;
    private final List<String> channel = new CopyOnWriteArrayList<>();
    private final List<ChildProcess> agents = new ArrayList<>();
    private ChildProcess console;

    @BeforeAll
    void startTeam() {
        redis = RedisServer.start();
        llm = ScriptedLlmServer.start();
        workspace = TempWorkspace.create("minilab-e2e");
        launcher = new Launcher(workspace.root(), Map.of(
                "REDIS_URL", redis.uri(),
                "OPENAI_API_BASE", llm.baseUrl(),
                "OPENAI_API_KEY", "sk-test-e2e-not-a-real-key",
                "LLM_MODEL", "scripted-model",
                "LLM_MAX_RETRIES", "0"));
        observerClient = RedisClient.create(redis.uri());
        observer = observerClient.connectPubSub();
        observer.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String payload) {
                channel.add(payload);
            }
        });
        observer.sync().subscribe("agent_channel");
        for (String role : ROLES) {
            agents.add(launcher.agent(role));
        }
        // Four JVMs (and the first start's key generation) on a shared 2-core machine: at load ~25 two agents took
        // 41 s to be ready, four went past 60 s. A slow start is not what this test checks.
        for (int i = 0; i < ROLES.size(); i++) {
            agents.get(i).awaitOutput(ROLES.get(i) + " ready", Duration.ofSeconds(180));
        }
    }

    @BeforeEach
    void emptyScriptAndRecord() {
        llm.reset();
        channel.clear();
    }

    @AfterEach
    void stopConsole() {
        if (console != null) {
            console.close();
            console = null;
        }
    }

    @AfterAll
    void stopEverything() {
        for (ChildProcess agent : agents.reversed()) {
            agent.close();
        }
        observer.close();
        observerClient.shutdown();
        llm.close();
        redis.close();
        keepLogs();
        workspace.close();
    }

    /** The agents' and consoles' logs go to target/team-end-to-end (the workspace is deleted): a failure can be read. */
    private void keepLogs() {
        Path target = Path.of("target", "team-end-to-end");
        try (var logs = Files.list(workspace.resolve("logs"))) {
            Files.createDirectories(target);
            for (Path log : logs.toList()) {
                Files.copy(log, target.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.out.println("Could not keep the logs: " + e);
        }
    }

    /** Starts the console (the agents listen already) with a pipe as its stdin. */
    private ChildProcess startConsole() {
        console = launcher.console();
        console.awaitOutput("conversation log", Duration.ofSeconds(60));
        return console;
    }

    @Test
    @Order(1)
    void userRequestTravelsThroughTheTeamAndAFileIsSaved() throws Exception {
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("[User]: please create a hello file"))
                .reply(Reply.text("@DevOps_Builder create generated_iac/config/hello.txt containing: hello from minilab")
                        .withReasoning("ARCH-REASONING delegate this"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("user"))
                .reply(Reply.toolCall("save_file",
                                "{\"path\":\"generated_iac/config/hello.txt\",\"content\":\"hello from minilab\\n\"}")
                        .withText("DEVOPS-STEP-NOTE saving now").withReasoning("DEVOPS-REASONING easy"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool"))
                .reply(Reply.text("@Architect_Zero saved generated_iac/config/hello.txt (status OK)"));
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("saved generated_iac/config/hello.txt"))
                .reply(Reply.toolCall("finish_task", "{\"summary\":\"hello.txt is in generated_iac/config\"}"));

        ChildProcess console = startConsole();

        OutputStream stdin = console.process().getOutputStream();
        stdin.write("please create a hello file\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();

        console.awaitOutput("[Architect_Zero]: hello.txt is in generated_iac/config", Duration.ofSeconds(60));
        stdin.write("exit\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        assertThat(console.awaitExit(Duration.ofSeconds(15))).isZero();

        // The file exists with the content.
        assertThat(workspace.resolve("generated_iac/config/hello.txt")).hasContent("hello from minilab\n");

        // The channel order: User → Architect → DevOps → Architect (to the User).
        List<String> chat = channel.stream().filter(p -> p.contains("\"kind\":\"chat\"")).toList();
        assertThat(chat).hasSize(4);
        assertThat(chat.get(0)).contains("\"sender\":\"User\"").contains("please create a hello file");
        assertThat(chat.get(1)).contains("\"sender\":\"Architect_Zero\"").contains("@DevOps_Builder create");
        assertThat(chat.get(2)).contains("\"sender\":\"DevOps_Builder\"").contains("@Architect_Zero saved");
        assertThat(chat.get(3)).contains("\"sender\":\"Architect_Zero\"").contains("\"to\":[\"User\"]")
                .contains("hello.txt is in generated_iac/config");

        // The console printed the conversation as plain lines.
        String consoleOutput = console.output();
        assertThat(consoleOutput).contains("[User]: please create a hello file")
                .contains("[Architect_Zero]: @DevOps_Builder create generated_iac/config/hello.txt")
                .contains("[DevOps_Builder]: @Architect_Zero saved generated_iac/config/hello.txt");

        // No think text on agent_channel, in the history, or in any request sent to the LLM.
        assertThat(channel).noneMatch(p -> p.matches("(?s).*(" + THINK_MARKERS + ").*"));
        assertThat(redis.command("LRANGE", "chat_history", "0", "-1").toString()).doesNotContainPattern(THINK_MARKERS);
        for (RecordedRequest request : llm.requests()) {
            assertThat(request.bodyText()).as("LLM request %d of %s", request.index(), request.role())
                    .doesNotContainPattern(THINK_MARKERS);
        }
        assertThat(llm.unmatchedRequests()).isEmpty();
        assertThat(llm.requests()).extracting(RecordedRequest::role)
                .containsExactly("Architect_Zero", "DevOps_Builder", "DevOps_Builder", "Architect_Zero");

        // The execution logs record the tool calls.
        String devopsLog = Files.readString(workspace.resolve("docs/execution_log_DevOps_Builder.md"));
        assertThat(devopsLog).contains("## Turn 1").contains("from Architect_Zero").contains("### save_file")
                .contains("generated_iac/config/hello.txt").contains("- status: OK");
        String architectLog = Files.readString(workspace.resolve("docs/execution_log_Architect_Zero.md"));
        assertThat(architectLog).contains("### finish_task").contains("**Outcome: finished**");

        // Nobody else was woken up.
        assertThat(llm.requestsFor("Security_Sentinel")).isEmpty();
        assertThat(llm.requestsFor("QA_Tester")).isEmpty();
    }

    @Test
    @Order(2)
    void consoleStopHaltsEveryAgentAndClearWipesTheHistory() throws Exception {
        llm.when(Rule.forRole("Architect_Zero").delay(Duration.ofSeconds(30))).reply(Reply.text("TOO LATE"));
        ChildProcess console = startConsole();
        OutputStream stdin = console.process().getOutputStream();

        stdin.write("plan something slow\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        llm.awaitRequest(r -> "Architect_Zero".equals(r.role()), Duration.ofSeconds(60));
        stdin.write("STOP\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();

        await().atMost(Duration.ofSeconds(20)).until(() -> ROLES.stream().allMatch(role -> channel.stream()
                .anyMatch(p -> p.contains("\"sender\":\"" + role + "\"") && p.contains("\"kind\":\"status\"")
                        && p.contains("halted"))));

        stdin.write("CLEAR\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        await().atMost(Duration.ofSeconds(15)).until(() -> "0".equals(String.valueOf(redis.command("LLEN", "chat_history"))));
        console.awaitOutput("cleared", Duration.ofSeconds(15));
        stdin.write("exit\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        console.awaitExit(Duration.ofSeconds(15));

        assertThat(channel).noneMatch(p -> p.contains("TOO LATE"));
    }
}
