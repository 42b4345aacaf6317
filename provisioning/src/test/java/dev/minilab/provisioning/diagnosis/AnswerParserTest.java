package dev.minilab.provisioning.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class AnswerParserTest {

    private static final Set<String> ALLOWED = Set.of("datastore_id", "bridge", "template_file_id", "ipv4_addresses");

    @Test
    void acceptsTheSchemaPlainOrFenced() {
        String json = "{\"cause\": \"storage local-zfs does not exist\", \"changes\": {\"datastore_id\": \"local-lvm\"}}";
        for (String answer : new String[] {json, "```json\n" + json + "\n```", "  " + json + "\n",
                "<think>\nThe error says {\"storage\": missing}; pick local-lvm\n</think>\n\n" + json,
                "the storage is missing</think>```json\n" + json + "\n```"}) {
            AnswerParser.Parsed parsed = AnswerParser.parse(answer, ALLOWED);
            assertThat(parsed).isInstanceOf(AnswerParser.Valid.class);
            Hypothesis h = ((AnswerParser.Valid) parsed).hypothesis();
            assertThat(h.cause()).isEqualTo("storage local-zfs does not exist");
            assertThat(h.changes().normalised()).isEqualTo("{\"datastore_id\":\"local-lvm\"}");
        }
    }

    @Test
    void rejectsEachSchemaViolationWithAReasonTheModelCanActOn() {
        assertThat(reason("The storage is wrong; use local-lvm.")).contains("not JSON");
        assertThat(reason("[1,2]")).contains("one JSON object");
        assertThat(reason("{\"changes\": {\"bridge\": \"vmbr0\"}}")).contains("'cause'");
        assertThat(reason("{\"cause\": \"x\", \"changes\": {}}")).contains("at least one");
        assertThat(reason("{\"cause\": \"x\", \"changes\": {\"storage\": \"local-lvm\"}}"))
                .contains("'storage' is not a variable").contains("datastore_id");
        assertThat(reason("{\"cause\": \"x\", \"changes\": {\"bridge\": {\"name\": \"vmbr0\"}}}")).contains("bridge");
        assertThat(reason("{\"cause\": \"x\", \"changes\": {\"bridge\": \"vmbr0\"}, \"confidence\": 0.9}"))
                .contains("confidence");
    }

    @Test
    void listsOfScalarsAreValues() {
        assertThat(AnswerParser.parse("{\"cause\": \"x\", \"changes\": {\"ipv4_addresses\": [\"10.0.0.5/24\"]}}",
                ALLOWED)).isInstanceOf(AnswerParser.Valid.class);
    }

    private static String reason(String answer) {
        AnswerParser.Parsed parsed = AnswerParser.parse(answer, ALLOWED);
        assertThat(parsed).as(answer).isInstanceOf(AnswerParser.Rejected.class);
        return ((AnswerParser.Rejected) parsed).reason();
    }
}
