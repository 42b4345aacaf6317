package dev.minilab.bench;

import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Whole-process figures with real agent JVMs: the ReAct step overhead and prompt growth of one long turn, and the hop
 * between two agents. Times are the product's share, measured at the scripted server: from the end of its answer to
 * the start of the next request.
 */
final class TeamScenarios {

    /** Steps of the long turn (request 200 of it is compared with request 20). */
    static final int STEPS = 210;
    static final int FIRST_MEASURED_STEP = 10;
    static final int HOP_ROUNDS = 31;

    private final Lab lab;

    TeamScenarios(Lab lab) {
        this.lab = lab;
    }

    record StepResult(Stats steps, double promptRatio, int prompt20, int prompt200) {
    }

    record HopResult(double firstMs, Stats warm) {
    }

    /** One DevOps_Builder turn of {@link #STEPS} save_file calls (each with new content), then a text answer. */
    StepResult longTurn(AgentProcess devops) throws InterruptedException {
        lab.llm.reset(); // the rules of earlier scenarios would match this turn's requests
        AtomicInteger step = new AtomicInteger();
        lab.llm.when(Rule.forRole("DevOps_Builder").anyMessageContains("steps-turn")).reply(request -> {
            int n = step.incrementAndGet();
            if (n > STEPS) {
                return Reply.text("done with the steps-turn");
            }
            return Reply.toolCall("save_file", "{\"path\":\"generated_iac/config/bench/step" + n
                    + ".txt\",\"content\":\"" + "line of step " + n + " of the long turn\\n".repeat(8) + "\"}");
        });
        lab.llm.when(Rule.forRole("Architect_Zero").lastMessageContains("steps-turn")).reply(Reply.text("noted"));
        lab.say("@DevOps_Builder steps-turn: save the step files");
        List<Timing> turn = awaitTimings(t -> "DevOps_Builder".equals(t.role()), STEPS + 1, Duration.ofMinutes(5));
        List<Long> gaps = new ArrayList<>();
        for (int k = FIRST_MEASURED_STEP; k < turn.size() - 1; k++) {
            gaps.add(turn.get(k + 1).receivedNanos() - turn.get(k).answeredNanos());
        }
        int p20 = turn.get(19).promptChars();
        int p200 = turn.get(199).promptChars();
        return new StepResult(Stats.ofNanos(gaps), (double) p200 / p20, p20, p200);
    }

    /**
     * {@link #HOP_ROUNDS} rounds of: the User asks, Architect_Zero answers "@DevOps_Builder ...", DevOps_Builder asks
     * the model. Round 0 is the first message after start.
     */
    HopResult hops() throws InterruptedException {
        lab.llm.reset();
        lab.llm.when(Rule.forRole("Architect_Zero").lastMessageContains("hop-round"))
                .reply(Reply.text("@DevOps_Builder please do the hop-task now"));
        lab.llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("hop-task"))
                .reply(Reply.text("done, nothing else to do"));
        List<Long> warm = new ArrayList<>();
        double first = Double.NaN;
        for (int round = 0; round < HOP_ROUNDS; round++) {
            int before = count(t -> "DevOps_Builder".equals(t.role()));
            lab.say("hop-round " + round + ": pass this on");
            List<Timing> devops = awaitTimings(t -> "DevOps_Builder".equals(t.role()), before + 1,
                    Duration.ofSeconds(180));
            List<Timing> architect = lab.llm.timings().stream().filter(t -> "Architect_Zero".equals(t.role()))
                    .toList();
            long gap = devops.get(before).receivedNanos() - architect.getLast().answeredNanos();
            if (round == 0) {
                first = Stats.ms(gap);
            } else {
                warm.add(gap);
            }
            Thread.sleep(150); // let DevOps_Builder publish its answer before the next round
        }
        return new HopResult(first, Stats.ofNanos(warm));
    }

    private int count(Predicate<Timing> which) {
        return (int) lab.llm.timings().stream().filter(which).count();
    }

    private List<Timing> awaitTimings(Predicate<Timing> which, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Timing> found = lab.llm.timings().stream().filter(which).toList();
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + found.size() + " of " + count + " requests reached the "
                        + "scripted model within " + timeout + "; unmatched: " + lab.llm.unmatchedRequests().stream()
                        .map(RecordedRequest::summary).toList());
            }
            Thread.sleep(5);
        }
    }

    static Map<String, String> env() {
        // MAX_TOKENS: the scripted server reports usage, and 210 steps of a growing context pass the default.
        return Map.of("MAX_STEPS", String.valueOf(STEPS + 20), "MAX_TOKENS", "900000000000");
    }

}
