package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapTrimTest {

    private final AtomicLong young = new AtomicLong(100);
    private final AtomicInteger full = new AtomicInteger();
    private final HeapTrim trim = new HeapTrim(young::get, full::incrementAndGet);

    @Test
    void aQuietCheckAfterABurstOfYoungCollectionsRunsOneFullCollection() {
        trim.run();
        young.addAndGet(HeapTrim.BURST_YOUNG_GCS + 5);
        trim.run(); // still collecting: not quiet yet
        assertThat(full).hasValue(0);

        trim.run(); // quiet
        trim.run();

        assertThat(full).hasValue(1);
    }

    @Test
    void fewYoungCollectionsOrAHeapStillCollectingGetNoFullCollection() {
        trim.run();
        for (int i = 0; i < 10; i++) {
            young.addAndGet(HeapTrim.BURST_YOUNG_GCS - 1); // a long burst, never quiet
            trim.run();
        }
        assertThat(full).hasValue(0);

        AtomicLong few = new AtomicLong();
        HeapTrim calm = new HeapTrim(few::get, full::incrementAndGet);
        calm.run();
        few.addAndGet(HeapTrim.BURST_YOUNG_GCS - 1);
        calm.run();
        calm.run(); // quiet, but below the burst

        assertThat(full).hasValue(0);
    }
}
