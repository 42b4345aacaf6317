package dev.minilab.runtime.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputCapTest {

    @Test
    void keepsHeadAndTailAndSaysHowMuchWasCut() {
        String text = "H".repeat(500) + "M".repeat(1000) + "T".repeat(500);

        String capped = new OutputCap(1000).apply(text);

        assertThat(capped).startsWith("H".repeat(500)).endsWith("T".repeat(500))
                .contains("[... 1000 characters cut ...]").doesNotContain("M");
    }

    @Test
    void shortTextIsUnchanged() {
        assertThat(new OutputCap(1000).apply("short")).isEqualTo("short");
    }

    @Test
    void processBufferKeepsHeadAndTailBytes() {
        CappedBuffer buffer = new CappedBuffer(10);
        byte[] data = "0123456789abcdefghij".getBytes();

        buffer.write(data, 0, data.length);

        assertThat(buffer.toString()).isEqualTo("01234\n[... 10 bytes cut ...]\nfghij");
        assertThat(buffer.totalBytes()).isEqualTo(20);
    }
}
