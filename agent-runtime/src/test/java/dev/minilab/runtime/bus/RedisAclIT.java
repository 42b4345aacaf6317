package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.agent.AgentSpec;
import dev.minilab.runtime.agent.TeamAgent;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.runtime.llm.UsageMeter;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.loop.LoopSettings;
import dev.minilab.runtime.loop.ReActLoop;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Per-role ACL users on a real redis-server: the team works, and each user is confined to MiniLab's keys. */
@ExtendWith(RedisExtension.class)
class RedisAclIT {

    private final RedisServer redis;
    private BusKeys keys;
    @TempDir
    Path docs;

    RedisAclIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void createUsers() {
        keys = new BusKeys("acl" + UUID.randomUUID().toString().substring(0, 8) + ":");
        setUser(RedisAcl.userLine("DevOps_Builder", "devops-pw", keys, false));
        setUser(RedisAcl.userLine("User", "user-pw", keys, true));
        // the library as the User side loads it (the agent's user may not; see anAgentWithoutTheLibrary...)
        redis.command("FUNCTION", "LOAD", "REPLACE", BusFunctions.source());
    }

    @Test
    void anAgentRunsATurnAsItsAclUser() throws Exception {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             TeamBus agentBus = TeamBus.connect(settings("devops_builder", "devops-pw"));
             TeamBus userBus = TeamBus.connect(settings("user", "user-pw"))) {
            llm.when(Rule.forRole("DevOps_Builder")).reply(Reply.text("@Architect_Zero done"));
            List<Message> seen = new CopyOnWriteArrayList<>();
            userBus.subscribe(seen::add);
            var model = ChatModels.openAiCompatible(new LlmSettings(llm.baseUrl(), null, "scripted-model",
                    Duration.ofSeconds(30), 0));
            try (TeamAgent agent = new TeamAgent(new AgentSpec("DevOps_Builder", "prompt", "Architect_Zero", 80, "t"),
                    agentBus, new Addressing(Set.of("Architect_Zero", "DevOps_Builder"), "Architect_Zero"),
                    new ReActLoop("DevOps_Builder", model, "scripted-model", List.of(), LoopSettings.defaults(5, false),
                            s -> s),
                    new ExecutionLog("DevOps_Builder", docs, s -> s), s -> s, new UsageMeter(agentBus, "DevOps_Builder"))) {
                agent.start();
                userBus.publish(Message.chat("User", "@DevOps_Builder go"));

                await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream()
                        .anyMatch(m -> m.sender().equals("DevOps_Builder") && m.content().contains("done")));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> "1".equals(userBus.usage(List.of("DevOps_Builder")).get("DevOps_Builder|scripted-model|calls")));
                assertThat(userBus.statuses(List.of("DevOps_Builder"))).containsKey("DevOps_Builder");
            }
            userBus.clearConversation();
            assertThat(userBus.history(10)).isEmpty();
        }
    }

    @Test
    void aclUsersAreConfinedToMiniLabKeysAndCommands() {
        try (TeamBus agentBus = TeamBus.connect(settings("devops_builder", "devops-pw"))) {
            var commands = agentBus.commands();
            redis.command("SET", "someone-elses-key", "private");

            assertThatThrownBy(() -> commands.get("someone-elses-key")).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> commands.flushall()).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> commands.configGet("*")).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> commands.keys("*")).hasMessageContaining("NOPERM");
            assertThatThrownBy(agentBus::clearConversation).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> commands.publish("other_channel", "x")).hasMessageContaining("NOPERM");
            assertThat(redis.command("GET", "someone-elses-key")).isEqualTo("private");
        }
    }

    @Test
    void theBusScriptsRunAsAnAclUserWhoStillCannotOverwriteTheHistory() {
        try (TeamBus agentBus = TeamBus.connect(settings("devops_builder", "devops-pw"))) {
            Message sent = agentBus.publish(Message.chat("DevOps_Builder", "@Architect_Zero scripted publish"));
            assertThat(agentBus.history(5)).extracting(Message::id).containsExactly(sent.id());
            assertThat(agentBus.saveProgress("DevOps_Builder", sent.seq())).isTrue();
            assertThat(agentBus.markControlHandled("DevOps_Builder", "some-id")).isTrue();
            agentBus.addUsage("DevOps_Builder", "m", 1, 2);
            RoleLease lease = new RoleLease(agentBus, "DevOps_Builder", Duration.ofSeconds(30));
            assertThat(lease.tryAcquire()).isTrue();
            lease.release();

            // no scripts of its own at all (issue 17): EVAL is not granted
            assertThatThrownBy(() -> agentBus.commands().eval("return redis.call('SET', KEYS[1], 'x')",
                    io.lettuce.core.ScriptOutputType.STATUS, keys.history()))
                    .hasMessageContaining("NOPERM");
            assertThat(agentBus.history(5)).extracting(Message::id).containsExactly(sent.id());
        }
    }

    @Test
    void anAgentRefusesToStartWithoutTheLibraryAndSaysWhatToRunWhileTheUserLoadsIt() {
        redis.command("FUNCTION", "DELETE", BusFunctions.LIBRARY);
        assertThatThrownBy(() -> TeamBus.connect(settings("devops_builder", "devops-pw")))
                .isInstanceOf(BusException.class)
                .hasMessageContaining("no MiniLab Redis function library 'minilab'")
                .hasMessageContaining("./minilab up");
        try (TeamBus userBus = TeamBus.connect(settings("user", "user-pw"))) {
            assertThat(BusFunctions.loadedVersion(userBus.commands())).contains(BusFunctions.VERSION);
        }
        try (TeamBus agentBus = TeamBus.connect(settings("devops_builder", "devops-pw"))) {
            assertThat(agentBus.publish(Message.chat("DevOps_Builder", "after the User loaded it")).seq()).isPositive();
        }
    }

    @Test
    void anAgentRefusesAnOlderLibraryVersion() {
        redis.command("FUNCTION", "LOAD", "REPLACE", BusFunctions.source().replace(BusFunctions.VERSION, "0ld"));
        try {
            assertThatThrownBy(() -> TeamBus.connect(settings("devops_builder", "devops-pw")))
                    .isInstanceOf(BusException.class)
                    .hasMessageContaining("version 0ld of MiniLab's Redis function library")
                    .hasMessageContaining(BusFunctions.VERSION);
        } finally {
            redis.command("FUNCTION", "LOAD", "REPLACE", BusFunctions.source());
        }
    }

    @Test
    void aWrongPasswordIsRefusedAtConnect() {
        assertThatThrownBy(() -> TeamBus.connect(settings("devops_builder", "wrong")))
                .isInstanceOf(BusException.class).hasMessageContaining("cannot reach Redis");
    }

    private void setUser(String aclLine) {
        List<String> args = new ArrayList<>(List.of("ACL", "SETUSER"));
        args.addAll(Arrays.asList(aclLine.substring("user ".length()).split(" ")));
        redis.command(args.toArray(String[]::new));
    }

    private BusSettings settings(String user, String password) {
        return new BusSettings("redis://" + user + ":" + password + "@" + redis.host() + ":" + redis.port(), 80, keys,
                Duration.ofSeconds(3));
    }
}
