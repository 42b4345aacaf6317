package dev.minilab.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ContextBuilderTest {

    private final ContextBuilder builder = new ContextBuilder("DevOps_Builder", "Build things.", UnaryOperator.identity());

    @Test
    void systemPromptNamesTheAgentFirst() {
        List<ChatMessage> context = builder.build(List.of(), List.of(), 10, Message.chat("Architect_Zero", "go"));

        assertThat(((SystemMessage) context.getFirst()).text()).startsWith("You are DevOps_Builder.\n\nBuild things.");
    }

    @Test
    void historyIsTrimmedToTheWindowKeepingTheNewest() {
        List<Message> history = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            history.add(Message.chat("Architect_Zero", "message " + i));
        }
        Message trigger = Message.chat("Architect_Zero", "@DevOps_Builder now");

        List<ChatMessage> context = builder.build(List.of(), history, 5, trigger);

        // system + 4 history + trigger = window of 5 messages of conversation
        assertThat(context).hasSize(6);
        assertThat(text(context.get(1))).isEqualTo("[Architect_Zero]: message 17");
        assertThat(text(context.get(4))).isEqualTo("[Architect_Zero]: message 20");
        assertThat(text(context.getLast())).isEqualTo("[Architect_Zero]: @DevOps_Builder now");
    }

    @Test
    void triggerAppearsOnceEvenWhenItIsAlreadyInTheHistory() {
        Message trigger = Message.chat("Architect_Zero", "@DevOps_Builder build");
        List<Message> history = List.of(Message.chat("User", "please"), trigger);

        List<ChatMessage> context = builder.build(List.of(), history, 80, trigger);

        assertThat(context.stream().filter(m -> text(m).contains("@DevOps_Builder build"))).hasSize(1);
        assertThat(text(context.getLast())).contains("@DevOps_Builder build");
    }

    @Test
    void statusAndControlMessagesNeverEnterTheContext() {
        List<Message> history = List.of(
                Message.status("QA_Tester", "halted"),
                Message.control(ControlCommand.STOP),
                Message.chat("User", "real request"));

        List<ChatMessage> context = builder.build(List.of(), history, 80, Message.chat("Architect_Zero", "go"));

        assertThat(context).hasSize(3);
        assertThat(text(context.get(1))).isEqualTo("[User]: real request");
    }

    @Test
    void ownMessagesAreAssistantTurns() {
        List<ChatMessage> context = builder.build(List.of(),
                List.of(Message.chat("DevOps_Builder", "I built it")), 80, Message.chat("Architect_Zero", "ok"));

        assertThat(context.get(1)).isInstanceOf(AiMessage.class);
        assertThat(((AiMessage) context.get(1)).text()).isEqualTo("I built it");
    }

    @Test
    void pinnedUserRequestsAreInTheSystemPrompt() {
        List<Message> pinned = List.of(Message.chat("User", "Build a 3-node k3s cluster on pve1"),
                Message.chat("User", "Use Debian 12"));

        List<ChatMessage> context = builder.build(pinned, List.of(), 80, Message.chat("Architect_Zero", "go"));

        String system = ((SystemMessage) context.getFirst()).text();
        assertThat(system).contains("pinned").contains("Build a 3-node k3s cluster on pve1").contains("Use Debian 12");
        assertThat(system.indexOf("3-node")).isLessThan(system.indexOf("Debian 12"));
    }

    @Test
    void pinnedRequestsBeyondTheBudgetKeepTheFirstAndTheNewestAndSaySo() {
        List<Message> pinned = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pinned.add(Message.chat("User", "request " + i + " " + "x".repeat(400)));
        }

        String system = ((SystemMessage) builder.build(pinned, List.of(), 80, Message.chat("User", "go"))
                .getFirst()).text();

        assertThat(system).contains("request 49").contains("request 0 ").doesNotContain("request 1 ")
                .contains("later requests omitted");
        assertThat(system.indexOf("request 0 ")).isLessThan(system.indexOf("omitted"));
        assertThat(system.indexOf("omitted")).isLessThan(system.indexOf("request 49"));
    }

    @Test
    void redactorIsAppliedToEverythingTheModelSees() {
        ContextBuilder redacting = new ContextBuilder("QA_Tester", "prompt with s3cr3t",
                text -> text.replace("s3cr3t", "[REDACTED]"));

        List<ChatMessage> context = redacting.build(List.of(Message.chat("User", "pin s3cr3t")),
                List.of(Message.chat("User", "history s3cr3t")), 80, Message.chat("Architect_Zero", "trigger s3cr3t"));

        assertThat(context).allSatisfy(m -> assertThat(text(m)).doesNotContain("s3cr3t"));
    }

    @Test
    void thePromptAndEachPinAreRedactedOnTheirOwnSoTheyRepeatTurnAfterTurn() {
        List<String> redacted = new ArrayList<>();
        ContextBuilder counting = new ContextBuilder("QA_Tester", "The long role prompt.", text -> {
            redacted.add(text);
            return text;
        });
        List<Message> pins = List.of(Message.chat("User", "first request"), Message.chat("User", "second request"));

        counting.build(pins, List.of(), 80, Message.chat("Architect_Zero", "go"));

        assertThat(redacted).noneSatisfy(text -> assertThat(text).contains("role prompt").contains("request"));
        assertThat(redacted).filteredOn(text -> text.contains("request")).hasSize(2);
    }

    @Test
    void keyMaterialInPinsIsMaskedAlsoWhenCutAcrossTwoPins() {
        // Not a key: the usual PKCS#8 prefix and filler, between real BEGIN/END lines, which is what the redactor matches.
        String body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        ContextBuilder real = new ContextBuilder("QA_Tester", "prompt",
                dev.minilab.runtime.sandbox.Redactor.fromEnv(java.util.Map.of(), List.of())::redact);
        List<Message> pins = List.of(
                Message.chat("User", "key part one:\n-----BEGIN PRIVATE KEY-----\n" + body),
                Message.chat("User", "part two:\n" + body + "\n-----END PRIVATE KEY-----"));

        String system = text(real.build(pins, List.of(), 80, Message.chat("Architect_Zero", "go")).getFirst());

        assertThat(system).doesNotContain(body).contains("key part one").contains("part two");
    }

    private static String text(ChatMessage message) {
        return switch (message) {
            case SystemMessage s -> s.text();
            case UserMessage u -> u.singleText();
            case AiMessage a -> a.text();
            default -> message.toString();
        };
    }
}
