package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCodecTest {

    @Test
    void fullMessageSurvivesARoundTrip() {
        Message sent = new Message("3f1c", 42, "DevOps_Builder", "done: \"quotes\" and ünïcødé\nline two",
                Instant.parse("2026-11-22T01:02:03Z"), MessageKind.CHAT, List.of("Architect_Zero"), "c2ln");

        MessageCodec.Decoded decoded = MessageCodec.decode(MessageCodec.encode(sent));

        assertThat(decoded).isEqualTo(new MessageCodec.Decoded.Valid(sent));
    }

    @Test
    void originalThreeFieldFormIsAcceptedWithDefaults() {
        String original = "{\"sender\": \"User\", \"content\": \"build me a VM\", \"timestamp\": \"2025-06-01T10:00:00.123456\"}";

        Message message = valid(original);

        assertThat(message.sender()).isEqualTo("User");
        assertThat(message.content()).isEqualTo("build me a VM");
        assertThat(message.kind()).isEqualTo(MessageKind.CHAT);
        assertThat(message.seq()).isZero();
        assertThat(message.to()).isEmpty();
        assertThat(message.timestamp()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
        assertThat(message.id()).startsWith("legacy-");
    }

    @Test
    void legacyIdIsStableSoTheSamePayloadIsHandledOnce() {
        String original = "{\"sender\":\"User\",\"content\":\"hi\",\"timestamp\":\"2025-06-01T10:00:00\"}";

        assertThat(valid(original).id()).isEqualTo(valid(original).id());
    }

    @Test
    void unknownFieldsAreIgnored() {
        Message message = valid("{\"sender\":\"QA_Tester\",\"content\":\"PASS\",\"mood\":\"happy\",\"nested\":{\"a\":[1,2]}}");

        assertThat(message.content()).isEqualTo("PASS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"STOP", "stop", " Clear "})
    void userStopOrClearInTheOriginalFormIsAControlMessage(String content) {
        Message message = valid("{\"sender\":\"User\",\"content\":\"" + content + "\",\"timestamp\":\"2025-06-01T10:00:00\"}");

        assertThat(message.kind()).isEqualTo(MessageKind.CONTROL);
        assertThat(message.controlCommand()).isPresent();
    }

    @Test
    void stopFromAnAgentIsNotAControlMessage() {
        Message message = valid("{\"sender\":\"DevOps_Builder\",\"content\":\"STOP\"}");

        assertThat(message.kind()).isEqualTo(MessageKind.CHAT);
        assertThat(message.controlCommand()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "not json", "[1,2,3]", "\"a string\"", "42", "null", "{",
        "{\"content\":\"no sender\"}",
        "{\"sender\":\"User\"}",
        "{\"sender\":\"\",\"content\":\"blank sender\"}",
        "{\"sender\":123,\"content\":\"x\"}",
        "{\"sender\":\"User\",\"content\":{\"nested\":true}}",
        "{\"sender\":\"User\",\"content\":null}",
        "{\"sender\":\"User\",\"content\":\"x\",\"kind\":\"shout\"}",
        "{\"sender\":\"User\",\"content\":\"x\",\"seq\":-1}",
        "{\"sender\":\"User\",\"content\":\"x\",\"seq\":\"7\"}",
        "{\"sender\":\"User\",\"content\":\"x\",\"to\":\"Architect_Zero\"}",
        "{\"sender\":\"User\",\"content\":\"x\",\"to\":[1]}",
        "{\"sender\":\"User\",\"content\":\"x\",\"timestamp\":\"yesterday\"}",
        "{\"sender\":\"User\",\"content\":\"x\",\"timestamp\":true}",
        "{\"sender\":\"User\",\"content\":\"x\",\"id\":5}"
    })
    void malformedPayloadsAreReportedNotThrown(String payload) {
        assertThat(MessageCodec.decode(payload)).isInstanceOf(MessageCodec.Decoded.Malformed.class);
    }

    @Test
    void hugePayloadIsRefusedUnread() {
        String huge = "{\"sender\":\"User\",\"content\":\"" + "x".repeat(MessageCodec.MAX_PAYLOAD_CHARS) + "\"}";

        assertThat(MessageCodec.decode(huge))
                .isInstanceOfSatisfying(MessageCodec.Decoded.Malformed.class,
                        m -> assertThat(m.reason()).contains("exceeds"));
    }

    @Test
    void deeplyNestedJsonIsMalformedNotAStackOverflow() {
        String deep = "{\"sender\":\"User\",\"content\":\"x\",\"junk\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

        assertThat(MessageCodec.decode(deep)).isInstanceOf(MessageCodec.Decoded.Malformed.class);
    }

    private static Message valid(String payload) {
        MessageCodec.Decoded decoded = MessageCodec.decode(payload);
        assertThat(decoded).isInstanceOf(MessageCodec.Decoded.Valid.class);
        return ((MessageCodec.Decoded.Valid) decoded).message();
    }
}
