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
import dev.minilab.testkit.RedisNode;
import dev.minilab.testkit.RedisSentinelSet;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: Redis Sentinel failover while the team works. Two agent JVMs (DevOps_Builder, QA_Tester) reach Redis
 * through {@code redis-sentinel://}; the test, as Architect_Zero, hands out 20 tasks; DevOps_Builder passes each to
 * QA_Tester, who reports back. The master is killed with SIGKILL in the middle. Sentinel promotes the replica; every
 * task is handled exactly once by each agent and every message is in the new master's history once.
 */
class SentinelFailoverIT {

    private static final String DEVOPS = "DevOps_Builder";
    private static final String QA = "QA_Tester";
    private static final int TASKS = 20;
    /** The task sent after all others are verified (see its use). */
    private static final int BARRIER = TASKS + 1;
    private static final Pattern TASK = Pattern.compile("(task-\\d+)\\b");
    /** One topic per task, each worded differently, so no two tasks' messages look alike to the loop breaker. */
    private static final List<String> TOPICS = List.of("install nginx on the web host",
            "open port 443 in the firewall", "rotate the backup logs weekly", "create the database user for the app",
            "mount the data disk at /srv", "set the timezone to UTC everywhere", "add the monitoring agent to every node",
            "renew the TLS certificate of the proxy", "tune postgres shared buffers", "disable password login for ssh",
            "schedule a nightly restic snapshot", "pin the kernel package version", "enable unattended security upgrades",
            "move the grafana dashboards to git", "limit journald disk usage", "raise nofile limits for redis",
            "label the storage pool by rack", "purge stale docker images", "give the build runner two more cores",
            "document the vlan layout in the wiki", "archive the audit reports of last quarter");

    @Test
    void killingTheMasterMidWorkLosesAndRepeatsNoMessage() throws Exception {
        try (TempWorkspace ws = TempWorkspace.create();
             RedisSentinelSet sentinel = RedisSentinelSet.start(RedisSentinelSet.Options.defaults());
             ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            for (String role : List.of(DEVOPS, QA)) {
                Files.writeString(ws.prompts().resolve(role + ".md"), "You do what you are asked to do.\n");
            }
            // Each task reads differently (its own topic): the loop breaker halts near-identical exchanges, and
            // numbers alone do not make messages different to it.
            llm.when(Rule.forRole(DEVOPS)).reply(request -> Reply.text("@QA_Tester check " + task(request) + " now: "
                    + topic(task(request))));
            llm.when(Rule.forRole(QA)).reply(request -> Reply.text("@Architect_Zero verified " + task(request) + " ok: "
                    + topic(task(request)) + " is done"));
            String prefix = "failover:";
            BusSettings settings = new BusSettings(sentinel.uri(), 200, new BusKeys(prefix), Duration.ofSeconds(5))
                    .withFailoverWait(Duration.ofSeconds(60)).withSentinelPassword(sentinel.password());
            Map<String, String> env = AgentJvm.env(sentinel.uri(), prefix, llm, ws);
            env.put("REDIS_SENTINEL_PASSWORD", sentinel.password());
            env.put("REDIS_FAILOVER_WAIT_SECONDS", "60");
            env.put("MAX_HOPS", "500"); // 40 agent-to-agent messages follow one another with no User message between
            try (TeamBus architect = TeamBus.connect(settings);
                 ChildProcess devops = ChildProcess.start(AgentJvm.direct(DEVOPS, ws.root(), env),
                         ws.root().resolve("devops.log"));
                 ChildProcess qa = ChildProcess.start(AgentJvm.direct(QA, ws.root(), env), ws.root().resolve("qa.log"))) {
                // both JVMs start at once; a slow start on a loaded machine is not what this test checks
                devops.awaitOutput(DEVOPS + " ready", Duration.ofSeconds(180));
                qa.awaitOutput(QA + " ready", Duration.ofSeconds(180));
                RedisNode oldMaster = sentinel.master();

                // The tasks go out one every 300 ms on another thread; the master dies while they flow.
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                    for (int i = 1; i <= TASKS; i++) {
                        // Each task reads differently: the loop breaker halts near-identical exchanges.
                        architect.publish(Message.chat("Architect_Zero", "@DevOps_Builder task-" + i + " please: "
                                + topic("task-" + i)));
                        pause(300);
                    }
                });
                try {
                    await().atMost(Duration.ofSeconds(120)).until(() -> verified(architect).size() >= 4);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    keepLogs(ws, sentinel);
                    throw new AssertionError("The team did not work before the kill: verified "
                            + verified(architect) + "; logs kept in target/sentinel-failover", e);
                }
                long seqAtKill = architect.history(200).stream().mapToLong(Message::seq).max().orElse(0);
                long killedAt = System.nanoTime();
                oldMaster.kill9();
                int doneAtKill = verified(architect).size();
                int newMaster = sentinel.awaitNewMaster(oldMaster.port(), Duration.ofSeconds(60));
                long promotedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(120)).until(() -> architect.history(200).stream()
                        .anyMatch(m -> m.seq() > seqAtKill && (m.sender().equals(QA) || m.sender().equals(DEVOPS))));
                long firstAgentMessageAt = System.nanoTime();

                sending.get(180, TimeUnit.SECONDS);
                try {
                    await().atMost(Duration.ofSeconds(120)).until(() -> verified(architect).size() == TASKS);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    keepLogs(ws, sentinel);
                    throw new AssertionError("Not every task verified: " + new java.util.TreeMap<>(verified(architect))
                            + "; hand-overs " + new java.util.TreeMap<>(count(architect, DEVOPS, "@QA_Tester check "))
                            + "; logs kept in target/sentinel-failover", e);
                }
                long recoveredAt = System.nanoTime();
                System.out.printf("SentinelFailoverIT: master 127.0.0.1:%d killed with %d of %d tasks verified; "
                        + "Sentinel promoted 127.0.0.1:%d after %d ms; first agent message on the new master %d ms "
                        + "after the kill (recovery time); all %d tasks verified %d ms after the kill (tasks go out "
                        + "every 300 ms)%n", oldMaster.port(), doneAtKill, TASKS, newMaster,
                        (promotedAt - killedAt) / 1_000_000, (firstAgentMessageAt - killedAt) / 1_000_000, TASKS,
                        (recoveredAt - killedAt) / 1_000_000);
                assertThat(doneAtKill).as("the kill came while work was still flowing").isLessThan(TASKS);

                // A barrier instead of a fixed wait: both agents handle their queues in order, so once one more task
                // has gone through DevOps_Builder and QA_Tester, a repeated turn for task-1..20 would be in the history.
                architect.publish(Message.chat("Architect_Zero", "@DevOps_Builder task-" + BARRIER + " please: "
                        + topic("task-" + BARRIER)));
                await().atMost(Duration.ofSeconds(60)).until(() -> verified(architect).containsKey("task-" + BARRIER));
                List<String> expected = IntStream.rangeClosed(1, BARRIER).mapToObj(i -> "task-" + i).toList();
                assertThat(verified(architect)).as("QA_Tester's reports in the new master's history")
                        .containsOnlyKeys(expected).allSatisfy((t, n) -> assertThat(n).isOne());
                assertThat(count(architect, DEVOPS, "@QA_Tester check ")).as("DevOps_Builder's hand-overs")
                        .containsOnlyKeys(expected).allSatisfy((t, n) -> assertThat(n).isOne());
                for (String t : expected) {
                    assertThat(turns(llm, DEVOPS, t)).as(DEVOPS + " turns for " + t).isEqualTo(1);
                    assertThat(turns(llm, QA, t)).as(QA + " turns for " + t).isEqualTo(1);
                }
                assertThat(devops.isAlive() && qa.isAlive()).as("both agents survived the failover").isTrue();
            }
        }
    }

    /** Copies the agents' and Redis nodes' logs to target/sentinel-failover for a failed run. */
    private static void keepLogs(TempWorkspace ws, RedisSentinelSet sentinel) {
        Path target = Path.of("target", "sentinel-failover");
        try {
            Files.createDirectories(target);
            for (Path dir : List.of(ws.root(), sentinel.dir())) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                        Files.copy(f, target.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (java.io.IOException e) {
            System.out.println("Could not keep the logs: " + e);
        }
    }

    private static String topic(String task) {
        return TOPICS.get((Integer.parseInt(task.substring("task-".length())) - 1) % TOPICS.size());
    }

    private static String task(RecordedRequest request) {
        Matcher m = TASK.matcher(request.lastMessage().content());
        return m.find() ? m.group(1) : "unknown";
    }

    private static Map<String, Long> verified(TeamBus bus) {
        return count(bus, QA, "@Architect_Zero verified ");
    }

    /** Messages of {@code sender} starting with {@code head}, counted per task. */
    private static Map<String, Long> count(TeamBus bus, String sender, String head) {
        return bus.history(200).stream()
                .filter(m -> m.sender().equals(sender) && m.content().startsWith(head))
                .collect(Collectors.groupingBy(m -> m.content().substring(head.length()).split(" ")[0],
                        Collectors.counting()));
    }

    private static long turns(ScriptedLlmServer llm, String role, String task) {
        Pattern exact = Pattern.compile("\\b" + task + "\\b");
        return llm.requestsFor(role).stream().map(RecordedRequest::lastMessage)
                .filter(m -> m != null && "user".equals(m.role()) && m.content() != null
                        && exact.matcher(m.content()).find())
                .count();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
