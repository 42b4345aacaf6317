package dev.minilab.bench;

import dev.minilab.runtime.bus.BusListener;
import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * STOP with the four agents busy: Architect_Zero, Security_Sentinel and QA_Tester wait on a model that answers after a
 * minute, DevOps_Builder runs {@code sleep 60} through run_shell. The figure is the time from publishing STOP until
 * every agent published its "halted" status and DevOps_Builder has no child process left.
 */
final class StopBench {

    static final int ROUNDS = 20;
    private static final Duration SLOW = Duration.ofSeconds(60);

    record Result(Stats latency) {
    }

    private final Lab lab;
    private final List<AgentProcess> team;

    StopBench(Lab lab, List<AgentProcess> team) {
        this.lab = lab;
        this.team = team;
    }

    Result run() throws InterruptedException {
        lab.llm.reset();
        for (String role : List.of("Architect_Zero", "Security_Sentinel", "QA_Tester")) {
            lab.llm.when(Rule.forRole(role).lastMessageContains("stop-round").delay(SLOW))
                    .reply(Reply.text("finished waiting"));
        }
        lab.llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("stop-round"))
                .reply(Reply.toolCall("run_shell", "{\"command\":\"sleep 60\"}"));
        lab.llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool")).reply(Reply.text("slept"));
        Map<String, Long> halted = new ConcurrentHashMap<>();
        TeamBus observer = lab.bus("User");
        observer.subscribe(new BusListener() {
            @Override
            public void onMessage(Message message) {
                if (message.kind() == MessageKind.STATUS && message.content().startsWith("halted")) {
                    halted.putIfAbsent(message.sender(), System.nanoTime());
                }
            }
        });
        AgentProcess devops = team.stream().filter(a -> a.role().equals("DevOps_Builder")).findFirst().orElseThrow();
        List<Long> latencies = new ArrayList<>();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String marker = "stop-round " + round;
                lab.say(marker + ": @DevOps_Builder @Security_Sentinel @QA_Tester please wait");
                awaitBusy(marker, devops);
                halted.clear();
                long stopAt = System.nanoTime();
                lab.user.publish(Message.control(ControlCommand.STOP));
                long childrenGone = 0;
                long deadline = stopAt + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    if (childrenGone == 0 && devops.descendants().isEmpty()) {
                        childrenGone = System.nanoTime();
                    }
                    if (childrenGone != 0 && halted.size() == Lab.ROLES.size()) {
                        break;
                    }
                    Thread.sleep(2);
                }
                if (halted.size() < Lab.ROLES.size() || childrenGone == 0) {
                    throw new IllegalStateException("round " + round + ": halted " + halted.keySet()
                            + ", DevOps_Builder children " + devops.descendants());
                }
                long last = Math.max(childrenGone, halted.values().stream().max(Long::compare).orElseThrow());
                latencies.add(last - stopAt);
            }
        } finally {
            observer.close();
        }
        return new Result(Stats.ofNanos(latencies));
    }

    /** Waits until three agents wait on the model for this round and DevOps_Builder's sleep runs. */
    private void awaitBusy(String marker, AgentProcess devops) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            long waiting = lab.llm.requests().stream().filter(r -> contains(r, marker)).map(RecordedRequest::role)
                    .filter(role -> !role.equals("DevOps_Builder")).distinct().count();
            if (waiting == 3 && !devops.descendants().isEmpty()) {
                return;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the team did not get busy for " + marker + "; DevOps_Builder said:\n"
                + devops.tail());
    }

    private static boolean contains(RecordedRequest request, String marker) {
        RecordedRequest.Message last = request.lastMessage();
        return last != null && last.content() != null && last.content().contains(marker);
    }
}
