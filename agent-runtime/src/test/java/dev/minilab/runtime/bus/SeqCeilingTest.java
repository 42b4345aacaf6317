package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SeqCeilingTest {

    private final AtomicLong chatSeq = new AtomicLong(10);
    private final AtomicInteger reads = new AtomicInteger();
    private final SeqCeiling ceiling = new SeqCeiling("chat_seq", () -> {
        reads.incrementAndGet();
        return chatSeq.get();
    });

    private static Message withSeq(long seq) {
        return Message.chat("DevOps_Builder", "hello").withSeq(seq);
    }

    @Test
    void aSeqAboveChatSeqIsRefusedAndOneAtOrBelowIsTaken() {
        assertThat(ceiling.rejection(withSeq(11))).hasValueSatisfying(r -> assertThat(r).contains("11", "chat_seq (10)"));
        assertThat(ceiling.rejection(withSeq(10))).isEmpty();
        assertThat(ceiling.rejection(withSeq(0))).isEmpty();
    }

    @Test
    void chatSeqIsReadAgainOnlyForASeqAboveTheCachedCeiling() {
        assertThat(ceiling.rejection(withSeq(7))).isEmpty();
        assertThat(reads).hasValue(1);
        assertThat(ceiling.rejection(withSeq(3))).isEmpty();
        assertThat(ceiling.rejection(withSeq(10))).isEmpty();
        assertThat(reads).hasValue(1);

        chatSeq.set(20); // later publishes numbered 11..20
        assertThat(ceiling.rejection(withSeq(15))).isEmpty();
        assertThat(reads).hasValue(2);
    }

    @Test
    void aSeqThatCannotBeCheckedIsRefused() {
        SeqCeiling unreadable = new SeqCeiling("chat_seq", () -> {
            throw new IllegalStateException("Redis down");
        });
        assertThat(unreadable.rejection(withSeq(1))).hasValueSatisfying(r -> assertThat(r).contains("Redis down"));
        assertThat(unreadable.rejection(withSeq(0))).isEmpty();
    }
}
