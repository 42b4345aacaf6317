package dev.minilab.runtime.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.llm.InlineReasoning.Split;
import org.junit.jupiter.api.Test;

/** Every form of inline reasoning local models write into their message content. */
class InlineReasoningTest {

    @Test
    void anAnswerWithoutTagsIsAllVisible() {
        assertThat(InlineReasoning.split("  @QA_Tester please verify web1\n"))
                .isEqualTo(new Split("@QA_Tester please verify web1", ""));
    }

    @Test
    void nullAndBlankAreEmptyAnswers() {
        assertThat(InlineReasoning.split(null)).isEqualTo(new Split("", ""));
        assertThat(InlineReasoning.split(" \n ")).isEqualTo(new Split("", ""));
    }

    @Test
    void aThinkBlockBeforeTheAnswerIsSplitOff() {
        Split split = InlineReasoning.split("<think>\nThe user wants a VM. Ask @QA_Tester?\n</think>\n\nDone: web1 is up.");

        assertThat(split.visible()).isEqualTo("Done: web1 is up.");
        assertThat(split.think()).isEqualTo("The user wants a VM. Ask @QA_Tester?");
        assertThat(split.hasThink()).isTrue();
    }

    @Test
    void thinkingAndReasoningTagsInAnyCaseAreRecognised() {
        assertThat(InlineReasoning.split("<THINKING>plan A</Thinking>answer one"))
                .isEqualTo(new Split("answer one", "plan A"));
        assertThat(InlineReasoning.split("<Reasoning>plan B</REASONING>answer two"))
                .isEqualTo(new Split("answer two", "plan B"));
        assertThat(InlineReasoning.split("<Think>plan C</tHiNk>answer three"))
                .isEqualTo(new Split("answer three", "plan C"));
    }

    @Test
    void leadingWhitespaceBeforeTheFirstTagIsIgnored() {
        assertThat(InlineReasoning.split("\n\n   \t<think>hmm</think>\n\nvisible"))
                .isEqualTo(new Split("visible", "hmm"));
    }

    @Test
    void severalBlocksInOneAnswerAreAllSplitOff() {
        Split split = InlineReasoning.split(
                "<think>first</think>Part one.\n\n<reasoning>second</reasoning>\n\nPart two.<thinking>third</thinking>");

        assertThat(split.visible()).isEqualTo("Part one.\n\nPart two.");
        assertThat(split.think()).isEqualTo("first\n\nsecond\n\nthird");
    }

    @Test
    void anUnterminatedOpeningTagMakesTheRestReasoning() {
        Split split = InlineReasoning.split("Short answer.\n<think>the model ran out of tokens while @DevOps_Builder");

        assertThat(split.visible()).isEqualTo("Short answer.");
        assertThat(split.think()).isEqualTo("the model ran out of tokens while @DevOps_Builder");
    }

    @Test
    void anAnswerThatIsOnlyAnUnterminatedBlockHasNoVisibleText() {
        assertThat(InlineReasoning.split("<think>still thinking when the token limit hit"))
                .isEqualTo(new Split("", "still thinking when the token limit hit"));
    }

    @Test
    void aClosingTagBeforeAnyOpeningTagMeansTheAnswerBeganInsideTheReasoning() {
        Split split = InlineReasoning.split("The template opened the block. @QA_Tester could check.\n</think>\n\nvisible");

        assertThat(split.visible()).isEqualTo("visible");
        assertThat(split.think()).isEqualTo("The template opened the block. @QA_Tester could check.");
    }

    @Test
    void aStrayClosingTagFollowedByMoreBlocksIsHandled() {
        assertThat(InlineReasoning.split("inside</think>one<think>again</think>two"))
                .isEqualTo(new Split("onetwo", "inside\n\nagain"));
    }

    @Test
    void anAnswerThatIsOnlyReasoningHasNoVisibleText() {
        Split split = InlineReasoning.split("<think>I should ask @QA_Tester</think>\n  ");

        assertThat(split.visible()).isEmpty();
        assertThat(split.think()).isEqualTo("I should ask @QA_Tester");
    }

    @Test
    void aClosingTagOfAnotherNameDoesNotEndTheBlock() {
        assertThat(InlineReasoning.split("<thinking>a</think>b</thinking>c"))
                .isEqualTo(new Split("c", "a</think>b"));
    }

    @Test
    void aStrayClosingTagAfterTheAnswerIsDroppedAndTheTextAroundItStays() {
        assertThat(InlineReasoning.split("<think>x</think>Line one.</think> Line two."))
                .isEqualTo(new Split("Line one. Line two.", "x"));
    }

    @Test
    void tagsWithInnerSpacesAreRecognised() {
        assertThat(InlineReasoning.split("< think >x</ think >y")).isEqualTo(new Split("y", "x"));
    }

    @Test
    void aTagQuotedInBackticksIsProseAboutTheTag() {
        String text = "Local models wrap reasoning in `<think>` tags; MiniLab strips `</think>` blocks.";

        assertThat(InlineReasoning.split(text)).isEqualTo(new Split(text, ""));
    }

    @Test
    void blankLinesLeftWhereABlockWasAreCollapsed() {
        assertThat(InlineReasoning.split("para one\n\n<think>x</think>\n\npara two").visible())
                .isEqualTo("para one\n\npara two");
    }

    @Test
    void otherTagsAreLeftAlone() {
        assertThat(InlineReasoning.split("<thinker>not a block</thinker> <br>"))
                .isEqualTo(new Split("<thinker>not a block</thinker> <br>", ""));
    }
}
