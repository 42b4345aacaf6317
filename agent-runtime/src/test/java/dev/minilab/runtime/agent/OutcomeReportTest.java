package dev.minilab.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.loop.TurnOutcome;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OutcomeReportTest {

    @Test
    void aFailedLlmCallIsOneStatusLineThatStaysOutOfTheConversation() {
        // Issue 18 item 7: the error went out as chat, so it stayed in chat_history and in every model's context.
        OutcomeReport.Report report = new OutcomeReport("DevOps_Builder", "Architect_Zero", Path.of("docs/log.md"))
                .of(new TurnOutcome.LlmFailed("model m: HTTP 501 from http://llm:8080/v1/chat/completions: Error response"));

        assertThat(report.message()).hasValueSatisfying(m -> {
            assertThat(m.kind()).isEqualTo(MessageKind.STATUS);
            assertThat(m.content()).doesNotContain("\n")
                    .startsWith("LLM error, turn ended: model m: HTTP 501 from http://llm:8080/v1/chat/completions");
        });
        assertThat(report.kind()).isEqualTo("llm failed");
    }
}
