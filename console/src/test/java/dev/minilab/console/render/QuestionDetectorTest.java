package dev.minilab.console.render;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QuestionDetectorTest {

    private static Message msg(String sender, String content, List<String> to) {
        return new Message("q", 1, sender, content, Instant.now(), MessageKind.CHAT, to, null);
    }

    @Test
    void architectQuestionWithoutAddresseeIsForTheUser() {
        assertThat(QuestionDetector.isQuestionForUser(msg("Architect_Zero",
                "I need the Proxmox API token.\nWhich node should host the VM?", List.of()))).isTrue();
    }

    @Test
    void questionAddressedToUserIsHighlightedFromAnyRole() {
        assertThat(QuestionDetector.isQuestionForUser(msg("DevOps_Builder", "Is 10.0.0.5 the right host?", List.of("User")))).isTrue();
        assertThat(QuestionDetector.isQuestionForUser(msg("QA_Tester", "@User may I reboot the VM?", List.of()))).isTrue();
    }

    @Test
    void explicitAskUserMarkerCounts() {
        Message m = msg("Architect_Zero", "[ask_user] Please provide PM_TOKEN_SECRET.", List.of());
        assertThat(QuestionDetector.isQuestionForUser(m)).isTrue();
        assertThat(QuestionDetector.withoutMarker(m.content())).isEqualTo("Please provide PM_TOKEN_SECRET.");
    }

    @Test
    void questionsToOtherRolesStatementsAndCodeAreNot() {
        assertThat(QuestionDetector.isQuestionForUser(msg("Architect_Zero", "@DevOps_Builder can you apply the plan?", List.of()))).isFalse();
        assertThat(QuestionDetector.isQuestionForUser(msg("Architect_Zero", "Done. The VM is up.", List.of()))).isFalse();
        assertThat(QuestionDetector.isQuestionForUser(msg("Architect_Zero", "Result:\n```\nready?\n```", List.of()))).isFalse();
        assertThat(QuestionDetector.isQuestionForUser(msg("User", "is it done?", List.of()))).isFalse();
        assertThat(QuestionDetector.isQuestionForUser(msg("DevOps_Builder", "what now?", List.of()))).isFalse();
    }
}
