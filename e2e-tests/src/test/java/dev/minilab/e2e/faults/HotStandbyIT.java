package dev.minilab.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.e2e.AgentJvm;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 finding 6 with real agent JVMs: a second process of a role waits as hot standby (before, both took every
 * turn and ran every tool twice) and takes over when the active one stops.
 */
class HotStandbyIT {

    private static final String DEVOPS = "DevOps_Builder";
    private static final Pattern TASK = Pattern.compile("(task-\\d+) ");

    @Test
    void aSecondProcessOfARoleWaitsAsHotStandbyAndTakesOverWhenTheFirstStops() throws Exception {
        try (TempWorkspace ws = TempWorkspace.create();
             RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withAppendOnly(true)
                     .withAppendFsync("always").withPassword("standby-pw").withStrategies(RedisServer.Kind.PROCESS));
             ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            Files.writeString(ws.prompts().resolve(DEVOPS + ".md"), "You build what you are asked to build.\n");
            llm.when(Rule.forRole(DEVOPS)).reply(request -> {
                Matcher m = TASK.matcher(request.lastMessage().content());
                return Reply.text("@Architect_Zero done " + (m.find() ? m.group(1) : "unknown") + " ok");
            });
            BusSettings settings = new BusSettings(redis.uri(), 200, new BusKeys(redis.namespace()),
                    Duration.ofSeconds(10));
            try (TeamBus architect = TeamBus.connect(settings)) {
                ProcessBuilder agent = AgentJvm.direct(DEVOPS, ws.root(), AgentJvm.env(redis.uri(), redis.namespace(),
                        llm, ws));
                try (ChildProcess first = AgentJvm.startReady(agent, DEVOPS, ws.root().resolve("devops-1.log"),
                        Duration.ofSeconds(120))) {
                    try (ChildProcess second = ChildProcess.start(agent, ws.root().resolve("devops-2.log"))) {
                        second.awaitOutput("waiting as hot standby", Duration.ofSeconds(60));

                        architect.publish(Message.chat("Architect_Zero", "@DevOps_Builder task-1 please"));
                        architect.publish(Message.chat("Architect_Zero", "@DevOps_Builder task-2 please"));
                        await().atMost(Duration.ofSeconds(30)).until(() -> answered(architect, "task-2"));
                        // both processes would have started task-1 before anyone's task-2 answer
                        assertThat(turns(llm, "task-1")).as("one process took the turn").isEqualTo(1);
                        assertThat(second.output()).doesNotContain(DEVOPS + " ready");

                        first.process().destroy(); // SIGTERM: the shutdown hook releases the lease
                        assertThat(first.awaitExit(Duration.ofSeconds(30))).isNotNegative();
                        second.awaitOutput("takes over", Duration.ofSeconds(30));
                        second.awaitOutput(DEVOPS + " ready", Duration.ofSeconds(60));

                        architect.publish(Message.chat("Architect_Zero", "@DevOps_Builder task-3 please"));
                        await().atMost(Duration.ofSeconds(30)).until(() -> answered(architect, "task-3"));
                        assertThat(turns(llm, "task-3")).isEqualTo(1);
                        assertThat(turns(llm, "task-2")).as("not repeated by the new active process").isEqualTo(1);
                    }
                }
            }
        }
    }

    private static boolean answered(TeamBus bus, String task) {
        return bus.history(200).stream().anyMatch(m -> m.sender().equals(DEVOPS)
                && m.content().startsWith("@Architect_Zero done " + task + " "));
    }

    private static long turns(ScriptedLlmServer llm, String task) {
        return llm.requestsFor(DEVOPS).stream().map(RecordedRequest::lastMessage)
                .filter(m -> m != null && "user".equals(m.role()) && m.content() != null
                        && m.content().contains(task + " "))
                .count();
    }
}
