package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The addressing table of DESIGN.md section 5 and the mention rule documented on {@link Mentions}. */
class AddressingTest {

    private static final List<String> TEAM = List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel", "QA_Tester");
    private final Addressing addressing = new Addressing(Set.copyOf(TEAM), "Architect_Zero");

    @ParameterizedTest(name = "[{index}] {0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "@DevOps_Builder please build it                         | DevOps_Builder",
        "please build it, @devops_builder.                       | DevOps_Builder",
        "(@QA_Tester) verify                                     | QA_Tester",
        "@Security_Sentinel's review is next                     | Security_Sentinel",
        "I will tag @Security_Sentinel later                     | Security_Sentinel",
        "run `@DevOps_Builder` in code                           | ''",
        "mail me at ops@DevOps_Builder                           | ''",
        "@DevOps_Builders is not a role                          | ''",
        "@@DevOps_Builder double at                              | ''",
        "DevOps_Builder without at                               | ''",
        "@QA_Tester and @DevOps_Builder both                     | QA_Tester;DevOps_Builder",
    })
    void mentionsInProse(String content, String expected) {
        Set<String> found = Mentions.in(content, TEAM);

        assertThat(String.join(";", found)).isEqualTo(expected);
    }

    @Test
    void mentionInsideAFencedCodeBlockIsNotAMention() {
        String content = "Here is the log:\n```\nescalating to @Architect_Zero\n```\nnothing else";

        assertThat(Mentions.in(content, TEAM)).isEmpty();
    }

    @Test
    void unterminatedFenceHidesTheRestOfTheMessage() {
        assertThat(Mentions.in("```bash\necho @QA_Tester", TEAM)).isEmpty();
    }

    @Test
    void quotedLinesAreNotMentions() {
        String content = "You wrote:\n> @DevOps_Builder do it\nI disagree.";

        assertThat(Mentions.in(content, TEAM)).isEmpty();
    }

    @Test
    void architectAnswersEveryUserMessage() {
        Message user = Message.chat("User", "build me a VM");

        assertThat(addressing.triggers("Architect_Zero", user)).isTrue();
        assertThat(addressing.triggers("DevOps_Builder", user)).isFalse();
    }

    @Test
    void userMentioningAnotherRoleTriggersItAndTheArchitect() {
        Message user = Message.chat("User", "@QA_Tester check the web server");

        assertThat(addressing.triggers("Architect_Zero", user)).isTrue();
        assertThat(addressing.triggers("QA_Tester", user)).isTrue();
        assertThat(addressing.triggers("DevOps_Builder", user)).isFalse();
    }

    @Test
    void nobodyAnswersItself() {
        Message own = Message.chat("DevOps_Builder", "note to self @DevOps_Builder");

        assertThat(addressing.triggers("DevOps_Builder", own)).isFalse();
    }

    @Test
    void statusAndControlMessagesTriggerNobody() {
        Message status = Message.status("DevOps_Builder", "@Architect_Zero terraform apply running, 42 s");
        Message stop = Message.control(ControlCommand.STOP);

        for (String agent : TEAM) {
            assertThat(addressing.triggers(agent, status)).isFalse();
            assertThat(addressing.triggers(agent, stop)).isFalse();
        }
    }

    @Test
    void explicitRecipientsWinOverMentionsInTheContent() {
        Message summary = Message.chatTo("Architect_Zero", "Done: @DevOps_Builder built it, @QA_Tester verified it",
                List.of("User"));

        for (String agent : TEAM) {
            assertThat(addressing.triggers(agent, summary)).as(agent).isFalse();
        }
    }

    @Test
    void recipientsOfAUserMessageStartWithTheArchitect() {
        assertThat(addressing.recipientsOf("User", "hey @qa_tester")).containsExactly("Architect_Zero", "QA_Tester");
        assertThat(addressing.recipientsOf("DevOps_Builder", "@User and @Architect_Zero"))
                .containsExactly("User", "Architect_Zero");
    }

    @Test
    void legacyMessageWithoutToIsRoutedByItsContent() {
        Message legacy = new Message("legacy-1", 0, "Architect_Zero", "@DevOps_Builder go", Instant.now(),
                MessageKind.CHAT, List.of(), null);

        assertThat(addressing.triggers("DevOps_Builder", legacy)).isTrue();
        assertThat(addressing.triggers("QA_Tester", legacy)).isFalse();
    }
}
