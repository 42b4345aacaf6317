package dev.minilab.console.render;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WrapperTest {

    @Test
    void wrapsAtWordsWithinTheWidthAndKeepsLineBreaks() {
        String text = "alpha beta gamma delta epsilon zeta eta theta iota kappa\nsecond paragraph";

        List<String> lines = Wrapper.wrap(text, 30, 10, 4);

        assertThat(lines.getFirst().length()).isLessThanOrEqualTo(20);
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(26));
        assertThat(String.join(" ", lines).replaceAll("\\s+", " "))
                .isEqualTo(text.replace('\n', ' '));
        assertThat(lines.getLast()).isEqualTo("second paragraph");
    }

    @Test
    void cutsWordsLongerThanALine() {
        List<String> lines = Wrapper.wrap("x".repeat(70), 30, 0, 0);

        assertThat(lines).containsExactly("x".repeat(30), "x".repeat(30), "x".repeat(10));
    }

    @Test
    void tinyWidthDisablesWrapping() {
        assertThat(Wrapper.wrap("a b c d e f", 5, 0, 0)).containsExactly("a b c d e f");
    }
}
