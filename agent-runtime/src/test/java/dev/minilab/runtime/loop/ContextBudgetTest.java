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
        assertThat(fitted).anyMatch(m -> text(m).contains("oldest tool step(s) of this turn were removed"));
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
