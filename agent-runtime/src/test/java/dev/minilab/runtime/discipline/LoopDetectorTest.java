package dev.minilab.runtime.discipline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.bus.Message;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopDetectorTest {

    private final LoopDetector detector = new LoopDetector(3);

    @Test
    void threeNearIdenticalRoundTripsAreALoopNamingBothAgents() {
        List<Message> history = new ArrayList<>();
        history.add(Message.chat("User", "build the web server"));
        for (int round = 1; round <= 3; round++) {
            history.add(Message.chat("Security_Sentinel", "@Architect_Zero plan " + round * 7
                    + "a3f9e1c2 still has  open port 22, please fix"));
            history.add(Message.chat("Architect_Zero", "@Security_Sentinel Fixed in revision " + round + ", please "
                    + "review again"));
        }

        assertThat(detector.find(history)).hasValueSatisfying(loop -> {
            assertThat(loop.first()).isEqualTo("Security_Sentinel");
            assertThat(loop.second()).isEqualTo("Architect_Zero");
            assertThat(loop.repeats()).isEqualTo(3);
        });
    }

    @Test
    void twoRoundTripsAreNotYetALoop() {
        List<Message> history = new ArrayList<>();
        for (int round = 1; round <= 2; round++) {
            history.add(Message.chat("Security_Sentinel", "@Architect_Zero not approved"));
            history.add(Message.chat("Architect_Zero", "@Security_Sentinel please approve"));
        }
        history.add(Message.chat("Security_Sentinel", "@Architect_Zero not approved"));

        assertThat(detector.find(history)).isEmpty();
    }

    @Test
    void differentContentIsNoLoop() {
        List<Message> history = new ArrayList<>();
        String[] topics = {"networking", "storage layout", "firewall rules", "backup schedule", "DNS records",
                "monitoring"};
        for (int i = 0; i < 6; i++) {
            history.add(Message.chat(i % 2 == 0 ? "DevOps_Builder" : "Architect_Zero",
                    "Let us now look at the " + topics[i] + " of the cluster"));
        }

        assertThat(detector.find(history)).isEmpty();
    }

    @Test
    void aUserMessageInBetweenStartsAfresh() {
        List<Message> history = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            history.add(Message.chat("Security_Sentinel", "@Architect_Zero not approved"));
            if (round == 1) {
                history.add(Message.chat("User", "please agree"));
            }
            history.add(Message.chat("Architect_Zero", "@Security_Sentinel please approve"));
        }

        assertThat(detector.find(history)).isEmpty();
    }

    @Test
    void threeAgentsTakingTurnsAreNoTwoAgentLoop() {
        List<Message> history = new ArrayList<>();
        String[] senders = {"Architect_Zero", "DevOps_Builder", "QA_Tester"};
        for (int i = 0; i < 6; i++) {
            history.add(Message.chat(senders[i % 3], "same text"));
        }

        assertThat(detector.find(history)).isEmpty();
    }

    @Test
    void similarityNormalisesNumbersIdsAndWhitespaceAndAllowsSmallEdits() {
        assertThat(Similarity.nearIdentical("Plan 3f2a9c1d0e applied in 12 s", "plan  9e8d7c6b5a applied in 7 s"))
                .isTrue();
        assertThat(Similarity.nearIdentical("Please review the plan for the web module again now.",
                "Please review the plan for the web module again now!")).isTrue();
        assertThat(Similarity.nearIdentical("APPROVED", "CHANGES_REQUESTED")).isFalse();
    }
}
