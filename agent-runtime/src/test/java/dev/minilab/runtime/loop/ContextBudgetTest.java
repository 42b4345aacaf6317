package dev.minilab.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContextBudgetTest {

    private final TokenEstimator tokens = new TokenEstimator();
    private final ContextBudget budget = new ContextBudget(4000, tokens);

    @Test
    void aRequestWithinTheBudgetIsSentAsItIs() {
        List<ChatMessage> messages = List.of(SystemMessage.from("You are QA_Tester."), UserMessage.from("check"));

        assertThat(budget.fit(messages, List.of())).isSameAs(messages);
    }

    @Test
    void oldHistoryGoesFirstAndTheSystemPromptAndTriggerStay() {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("You are QA_Tester. Pinned: build the cluster."));
        for (int i = 0; i < 100; i++) {
            messages.add(UserMessage.from("[DevOps_Builder]: history message " + i + " " + "word ".repeat(60)));
        }
        messages.add(UserMessage.from("[Architect_Zero]: the trigger"));

        List<ChatMessage> fitted = budget.fit(messages, List.of());

        assertThat(tokens.count(fitted)).isLessThanOrEqualTo(4000);
        assertThat(fitted.getFirst()).isEqualTo(messages.getFirst());
        assertThat(fitted.getLast()).isEqualTo(messages.getLast());
        assertThat(text(fitted.get(fitted.size() - 2))).contains("history message 99 ");
        assertThat(fitted).noneMatch(m -> text(m).contains("history message 0 "));
    }

    @Test
    void aHundredStepTurnStaysWithinTheBudgetWithCallsAndResultsTogether() {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("You are DevOps_Builder."));
        messages.add(UserMessage.from("[Architect_Zero]: read every file"));
        for (int step = 0; step < 100; step++) {
            ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_" + step).name("read_file")
                    .arguments("{\"path\":\"docs/file" + step + ".md\"}").build();
            messages.add(AiMessage.from(List.of(call)));
            messages.add(ToolExecutionResultMessage.from(call, "status: OK\nduration_ms: 3\n---\nline one of file "
                    + step + "\n" + "content ".repeat(400)));
        }

        List<ChatMessage> fitted = budget.fit(messages, List.of());

        assertThat(tokens.count(fitted)).isLessThanOrEqualTo(4000);
        assertThat(fitted.get(0)).isEqualTo(messages.get(0));
        assertThat(fitted.get(1)).isEqualTo(messages.get(1));
        assertThat(fitted.getLast()).isEqualTo(messages.getLast()); // the newest result stays whole
        assertEveryResultFollowsItsCall(fitted);
        // steps 1–88 went into the digest (window of 12); the budget then shrank the older results of the window
        assertThat(text(fitted.get(2))).startsWith("[MiniLab: digest of this turn's older steps (steps 1–88;")
                .contains("- step 88: read_file {\"path\":\"docs/file87.md\"} → ok");
        assertThat(fitted).anyMatch(m -> text(m).startsWith("[shrunk to one line"));
    }

    @Test
    void oldResultsShrinkToOneLineBeforeAnythingIsDropped() {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("You are DevOps_Builder."));
        messages.add(UserMessage.from("[Architect_Zero]: go"));
        for (int step = 0; step < 6; step++) {
            ToolExecutionRequest call = ToolExecutionRequest.builder().id("c" + step).name("run_shell")
                    .arguments("{\"command\":\"ls " + step + "\"}").build();
            messages.add(AiMessage.from(List.of(call)));
            messages.add(ToolExecutionResultMessage.from(call, "status: ERROR\nexit_code: 2\nduration_ms: 1\n---\n"
                    + "ls: cannot access " + step + "\n" + "detail ".repeat(900)));
        }

        List<ChatMessage> fitted = budget.fit(messages, List.of());

        assertThat(fitted).hasSize(messages.size());
        assertThat(text(fitted.get(3))).startsWith("[shrunk to one line").contains("ERROR, exit 2: ls: cannot access 0")
                .doesNotContain("\n");
        assertThat(text(fitted.getLast())).contains("detail detail");
        assertThat(tokens.count(fitted)).isLessThanOrEqualTo(4000);
    }

    @Test
    void onlyTheLastWindowOfStepsIsSentWholeAndOlderOnesBecomeOneDigest() {
        ContextBudget windowed = new ContextBudget(1_000_000, 5, tokens);
        List<ChatMessage> messages = turn(40, step -> false);

        List<ChatMessage> fitted = windowed.fit(messages, List.of());

        // system, trigger, digest, then 5 whole steps (call + result)
        assertThat(fitted).hasSize(3 + 5 * 2);
        assertThat(fitted.subList(0, 2)).isEqualTo(messages.subList(0, 2));
        assertThat(fitted.subList(3, fitted.size())).isEqualTo(messages.subList(messages.size() - 10, messages.size()));
        assertThat(text(fitted.get(2))).startsWith("[MiniLab: digest of this turn's older steps (steps 1–35;")
                .contains("- step 35: save_file {\"path\":\"f34.txt\"").doesNotContain("Latest error");
        assertEveryResultFollowsItsCall(fitted);
    }

    @Test
    void aTurnWithinTheWindowIsSentAsItIs() {
        List<ChatMessage> messages = turn(12, step -> false);

        assertThat(budget.fit(messages, List.of())).isSameAs(messages);
    }

    @Test
    void theDigestIsBoundedHoweverLongTheTurn() {
        ContextBudget windowed = new ContextBudget(1_000_000, 5, tokens);

        String digest100 = text(windowed.fit(turn(100, step -> step % 7 == 3), List.of()).get(2));
        String digest1000 = text(windowed.fit(turn(1000, step -> step % 7 == 3), List.of()).get(2));

        assertThat(digest1000.lines().filter(l -> l.startsWith("- step ")).count()).isEqualTo(StepDigest.MAX_LINES);
        assertThat(digest1000).contains("- before step ").contains("save_file ×").contains(" errors)");
        // one more digit in the step numbers, nothing else grows
        assertThat(digest1000.length()).isLessThan(digest100.length() + 200);
        assertThat(digest1000.length()).isLessThan(4000);
    }

    @Test
    void theLatestErrorTextStaysVisibleWhenItsStepLeavesTheWindow() {
        ContextBudget windowed = new ContextBudget(1_000_000, 5, tokens);
        List<ChatMessage> messages = turn(30, step -> step == 3 || step == 17);

        String digest = text(windowed.fit(messages, List.of()).get(2));

        assertThat(digest).contains("Latest error (step 18):").contains("No space left on device while writing f17.txt")
                .contains("stack line 40 of step 17").doesNotContain("writing f3.txt\nstack");
        assertThat(digest).contains("- step 18: save_file {\"path\":\"f17.txt\"")
                .contains("→ error: No space left on device while writing f17.txt");
    }

    @Test
    void theLatestErrorStaysWholeWhileOlderResultsShrinkForTheBudget() {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("You are DevOps_Builder."));
        messages.add(UserMessage.from("[Architect_Zero]: go"));
        for (int step = 0; step < 6; step++) {
            ToolExecutionRequest call = ToolExecutionRequest.builder().id("c" + step).name("run_shell")
                    .arguments("{\"command\":\"make " + step + "\"}").build();
            messages.add(AiMessage.from(List.of(call)));
            String status = step == 1 ? "status: ERROR\nexit_code: 2\n" : "status: OK\nexit_code: 0\n";
            messages.add(ToolExecutionResultMessage.from(call, status + "duration_ms: 1\n---\nmake output " + step
                    + "\n" + "detail ".repeat(900)));
        }

        List<ChatMessage> fitted = budget.fit(messages, List.of());

        assertThat(text(fitted.get(3))).startsWith("[shrunk to one line");
        assertThat(text(fitted.get(5))).startsWith("status: ERROR").contains("detail detail");
        assertThat(tokens.count(fitted)).isLessThanOrEqualTo(4000);
    }

    @Test
    void aStepWithSeveralCallsKeepsEveryResultWithItsCall() {
        ContextBudget windowed = new ContextBudget(1_000_000, 2, tokens);
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("You are DevOps_Builder."));
        messages.add(UserMessage.from("[Architect_Zero]: go"));
        for (int step = 0; step < 6; step++) {
            ToolExecutionRequest a = ToolExecutionRequest.builder().id("a" + step).name("read_file")
                    .arguments("{}").build();
            ToolExecutionRequest b = ToolExecutionRequest.builder().id("b" + step).name("run_shell")
                    .arguments("{}").build();
            messages.add(AiMessage.from(List.of(a, b)));
            messages.add(ToolExecutionResultMessage.from(a, "status: OK\n---\nread " + step));
            messages.add(ToolExecutionResultMessage.from(b, "status: OK\n---\nran " + step));
        }

        List<ChatMessage> fitted = windowed.fit(messages, List.of());

        assertThat(fitted).hasSize(3 + 2 * 3);
        assertThat(fitted.get(3)).isInstanceOf(AiMessage.class);
        assertEveryResultFollowsItsCall(fitted);
        assertThat(text(fitted.get(2))).contains("- step 4: read_file {} → ok").contains("- step 4: run_shell {} → ok");
    }

    /** A turn of {@code steps} save_file steps; {@code failing} says which steps' results are errors. */
    private static List<ChatMessage> turn(int steps, java.util.function.IntPredicate failing) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("You are DevOps_Builder."));
        messages.add(UserMessage.from("[Architect_Zero]: write the files"));
        for (int step = 0; step < steps; step++) {
            ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_" + step).name("save_file")
                    .arguments("{\"path\":\"f" + step + ".txt\",\"content\":\"" + "line of step ".repeat(20) + "\"}")
                    .build();
            messages.add(AiMessage.from(List.of(call)));
            messages.add(ToolExecutionResultMessage.from(call, failing.test(step)
                    ? "status: ERROR\nduration_ms: 1\n---\nNo space left on device while writing f" + step + ".txt\n"
                            + "stack line 40 of step " + step + "\n"
                    : "status: OK\nduration_ms: 1\n---\nsaved f" + step + ".txt"));
        }
        return messages;
    }

    private static void assertEveryResultFollowsItsCall(List<ChatMessage> messages) {
        Set<String> called = new HashSet<>();
        for (ChatMessage message : messages) {
            if (message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                ai.toolExecutionRequests().forEach(r -> called.add(r.id()));
            }
            if (message instanceof ToolExecutionResultMessage result) {
                assertThat(called).as("result %s without its call", result.id()).contains(result.id());
            }
        }
    }

    private static String text(ChatMessage message) {
        return switch (message) {
            case SystemMessage s -> s.text();
            case UserMessage u -> u.singleText();
            case AiMessage a -> String.valueOf(a.text());
            case ToolExecutionResultMessage r -> r.text();
            default -> message.toString();
        };
    }

    @Test
    void theCheapBoundIsNeverBelowTheTokenCount() {
        List<ChatMessage> messages = List.of(SystemMessage.from("You are DevOps_Builder. 日本語のテキスト ünïcödé 🚀🚀"),
                UserMessage.from("[User]: " + "random bytes ÿþ 0x7f3a9c ".repeat(200)),
                AiMessage.from(ToolExecutionRequest.builder().id("1").name("save_file")
                        .arguments("{\"path\":\"a\",\"content\":\"" + "€".repeat(300) + "\"}").build()),
                ToolExecutionResultMessage.from("1", "save_file", "status OK " + "𝔘𝔫𝔦𝔠𝔬𝔡𝔢".repeat(100)));

        assertThat(TokenEstimator.upperBound(messages)).isGreaterThanOrEqualTo(tokens.count(messages));
    }
}
