package dev.minilab.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.e2e.AgentJvm;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.security.KeyGenerator;
import dev.minilab.runtime.security.KeyRing;
import dev.minilab.runtime.security.MessageSigner;
import dev.minilab.runtime.security.SignatureGuard;
import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 4: kill -9 of the DevOps_Builder JVM in the middle of a turn, then a restart. The agent resumes from its
 * last recorded seq, announces the restart, and handles the interrupted and the missed message once each; finished
 * work is not repeated. Runs the real agent jar (signed bus, real Redis with AOF, scripted LLM).
 */
class AgentKill9IT {

    private static final String DEVOPS = "DevOps_Builder";
    private static final Pattern TASK = Pattern.compile("(task-\\d+) ");

    @Test
    void devOpsKilledMidTaskResumesAnnouncesTheRestartAndHandlesThePendingMessagesOnce() throws Exception {
        try (TempWorkspace ws = TempWorkspace.create();
             RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withAppendOnly(true)
                     .withAppendFsync("always").withPassword("kill9-pw").withStrategies(RedisServer.Kind.PROCESS));
             ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            Path keys = ws.root().resolve("keys");
            KeyGenerator.generate(keys, List.of("Architect_Zero", DEVOPS, "User"));
            Files.writeString(ws.prompts().resolve(DEVOPS + ".md"), "You build what you are asked to build.\n");
            llm.when(Rule.forRole(DEVOPS).lastMessageContains("task-2 ").delay(Duration.ofSeconds(60)).once())
                    .reply(Reply.text("@Architect_Zero answer of the killed turn"));
            llm.when(Rule.forRole(DEVOPS)).reply(request -> {
                Matcher m = TASK.matcher(request.lastMessage().content());
                return Reply.text("@Architect_Zero done " + (m.find() ? m.group(1) : "unknown") + " ok");
            });

            BusSettings settings = new BusSettings(redis.uri(), 200, new BusKeys(redis.namespace()),
                    Duration.ofSeconds(10));
            MessageSigner architectKey = MessageSigner.create(KeyRing.load(
                    KeyGenerator.privateKeyFile(keys, "Architect_Zero"), KeyGenerator.publicKeysDir(keys)),
                    "Architect_Zero");
            Queue<Message> live = new ConcurrentLinkedQueue<>();
            try (TeamBus architect = TeamBus.connect(settings, SignatureGuard.of(architectKey))) {
                architect.subscribe(live::add);
                Map<String, String> env = AgentJvm.env(redis.uri(), redis.namespace(), llm, ws);
                env.put("MINILAB_PRIVATE_KEY", KeyGenerator.privateKeyFile(keys, DEVOPS).toString());
                env.put("MINILAB_PUBLIC_KEYS", KeyGenerator.publicKeysDir(keys).toString());
                ProcessBuilder agent = AgentJvm.direct(DEVOPS, ws.root(), env);

                try (ChildProcess first = AgentJvm.startReady(agent, DEVOPS, ws.root().resolve("devops-1.log"),
                        Duration.ofSeconds(120))) {
                    architect.publish(Message.chat("Architect_Zero", "@DevOps_Builder task-1 please"));
                    await().atMost(Duration.ofSeconds(20)).until(() -> answers(architect).containsKey("task-1"));
                    architect.publish(Message.chat("Architect_Zero", "@DevOps_Builder task-2 please"));
                    await().atMost(Duration.ofSeconds(20)).until(() -> turns(llm, "task-2") == 1);

                    first.process().destroyForcibly(); // SIGKILL: no shutdown hook runs, nothing is recorded
                    first.awaitExit(Duration.ofSeconds(10));
                }
                architect.publish(Message.chat("Architect_Zero", "@DevOps_Builder task-3 please"));

                try (ChildProcess second = ChildProcess.start(agent, ws.root().resolve("devops-2.log"))) {
                    // ready once the killed process's lease has lapsed (15 s): it could not release it
                    second.awaitOutput(DEVOPS + " ready", Duration.ofSeconds(60));
                    await().atMost(Duration.ofSeconds(30)).until(() -> answers(architect).size() == 3);
                    // A barrier instead of a fixed 500 ms: the agent handles its queue in order, so once task-4 is
                    // answered, a second answer to task-1..3 (a repeated turn) would be in the history already.
                    architect.publish(Message.chat("Architect_Zero", "@DevOps_Builder task-4 please"));
                    await().atMost(Duration.ofSeconds(30)).until(() -> answers(architect).containsKey("task-4"));
                    assertThat(answers(architect)).as("one answer per task")
                            .containsOnlyKeys("task-1", "task-2", "task-3", "task-4")
                            .allSatisfy((t, n) -> assertThat(n).isOne());
                    assertThat(second.output()).contains("Bus messages are signed as DevOps_Builder");
                }
            }

            assertThat(live).filteredOn(m -> m.kind() == MessageKind.STATUS && m.sender().equals(DEVOPS))
                    .extracting(Message::content)
                    .anyMatch(c -> c.startsWith(DEVOPS + " restarted: resuming after seq ")
                            && c.endsWith("2 pending message(s) to handle"));
            assertThat(turns(llm, "task-1")).as("finished before the kill: not repeated").isEqualTo(1);
            assertThat(turns(llm, "task-2")).as("killed mid-turn: run once more").isEqualTo(2);
            assertThat(turns(llm, "task-3")).as("sent while the agent was dead").isEqualTo(1);
            assertThat(llm.unmatchedRequests()).isEmpty();
        }
    }

    /** Distinct answer ids per task in the history. */
    private static Map<String, Long> answers(TeamBus bus) {
        return bus.history(200).stream()
                .filter(m -> m.sender().equals(DEVOPS) && m.content().startsWith("@Architect_Zero done "))
                .collect(Collectors.groupingBy(m -> m.content().split(" ")[2], Collectors.counting()));
    }

    private static long turns(ScriptedLlmServer llm, String task) {
        return llm.requestsFor(DEVOPS).stream().map(RecordedRequest::lastMessage)
                .filter(m -> m != null && "user".equals(m.role()) && m.content() != null
                        && m.content().contains(task + " "))
                .count();
    }
}
