package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.agent.TeamAgent;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * LESSONS row 10: a secret in the environment and in a file the agent reads never reaches the bus, the think feed,
 * the history, any request sent to the LLM, or the execution logs — whatever the tools print and the model says.
 */
@ExtendWith(RedisExtension.class)
class SecretCanaryIT {

    private final RedisServer redis;
    @TempDir
    Path workspace;

    SecretCanaryIT(RedisServer redis) {
        this.redis = redis;
    }

    @Test
    void canaryNeverLeavesTheAgent() throws Exception {
        String canary = "canary-" + UUID.randomUUID();
        String apiKey = "sk-canary-" + UUID.randomUUID();
        for (String dir : List.of("generated_iac/infra", "generated_iac/config", "docs", "tmp")) {
            Files.createDirectories(workspace.resolve(dir));
        }
        Files.writeString(workspace.resolve("generated_iac/config/app.conf"), "db_password=" + canary + "\n");
        BusKeys keys = new BusKeys(redis.namespace() + UUID.randomUUID() + ":");

        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Rule.forRole("DevOps_Builder")).replyInOrder(
                    Reply.toolCall("read_file", "{\"path\":\"generated_iac/config/app.conf\"}")
                            .withReasoning("the file may hold " + canary),
                    Reply.toolCall("read_env", "{\"name\":\"MY_SERVICE_TOKEN\"}"),
                    Reply.toolCall("run_shell", "{\"command\":\"env; cat generated_iac/config/app.conf; echo "
                            + canary + "\"}"),
                    Reply.toolCall("save_file", "{\"path\":\"docs/notes.md\",\"content\":\"token " + canary + "\"}")
                            .withText("note to self: " + canary),
                    Reply.text("@Architect_Zero done; by the way the token is " + canary + " and the key " + apiKey));
            Map<String, String> env = new HashMap<>();
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            env.put("MY_SERVICE_TOKEN", canary);
            env.put("OPENAI_API_KEY", apiKey);
            env.put("MINILAB_WORKSPACE", workspace.toString());
            MiniLabConfig config = MiniLabConfig.from(env, workspace);

            List<String> seen = new CopyOnWriteArrayList<>();
            RedisClient client = RedisClient.create(redis.uri());
            StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String payload) {
                    seen.add(channel + " " + payload);
                }
            });
            sub.sync().subscribe(keys.channel(), keys.thinkChannel());
            BusSettings settings = new BusSettings(redis.uri(), 80, keys, Duration.ofSeconds(5));
            try (TeamBus bus = TeamBus.connect(settings); TeamBus user = TeamBus.connect(settings)) {
                var model = ChatModels.openAiCompatible(new LlmSettings(llm.baseUrl(), apiKey, "scripted-model",
                        Duration.ofSeconds(30), 0));
                try (TeamAgent agent = AgentAssembly.assemble(Role.DEVOPS_BUILDER, config, "Build.", bus, model,
                        "scripted-model")) {
                    agent.start();
                    user.publish(Message.chat("Architect_Zero", "@DevOps_Builder check the app config"));
                    await().atMost(Duration.ofSeconds(20)).until(() -> seen.stream()
                            .anyMatch(p -> p.contains("\"sender\":\"DevOps_Builder\"") && p.contains("done")));
                }
                String history = String.valueOf(redis.command("LRANGE", keys.history(), "0", "-1"));
                String mdLog = Files.readString(workspace.resolve("docs/execution_log_DevOps_Builder.md"));
                String jsonLog = Files.readString(workspace.resolve("docs/execution_log_DevOps_Builder.jsonl"));
                String notes = Files.readString(workspace.resolve("docs/notes.md"));

                // The tools really ran and really saw the secret (so the checks below are not vacuous) ...
                assertThat(mdLog).contains("### read_file").contains("### read_env").contains("### run_shell")
                        .contains("[REDACTED:MY_SERVICE_TOKEN]");
                assertThat(llm.requests()).hasSize(5);
                // ... and the canary reached none of the outputs.
                for (String secret : List.of(canary, apiKey)) {
                    assertThat(seen).noneMatch(p -> p.contains(secret));
                    assertThat(history).doesNotContain(secret);
                    assertThat(mdLog).doesNotContain(secret);
                    assertThat(jsonLog).doesNotContain(secret);
                    for (RecordedRequest request : llm.requests()) {
                        assertThat(request.bodyText()).as("LLM request %d", request.index()).doesNotContain(secret);
                    }
                }
                // A file the model writes is its own business: the agent did write what it was told.
                assertThat(notes).contains(canary);
            } finally {
                sub.close();
                client.shutdown();
            }
        }
    }
}
