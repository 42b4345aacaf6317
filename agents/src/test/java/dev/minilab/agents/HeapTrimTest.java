package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapTrimTest {

    private static volatile Object sink;

    @Test
    void aQuietCheckAfterABurstOfYoungCollectionsRunsOneFullCollectionAndAQuietHeapNone() {
        HeapTrim trim = new HeapTrim();
        trim.run(); // remembers where the counts are
        long fullBefore = fullCollections();
        trim.run();
        assertThat(fullCollections()).as("no burst yet").isEqualTo(fullBefore);

        long young = youngCollections();
        while (youngCollections() < young + HeapTrim.BURST_YOUNG_GCS + 1) {
            sink = new byte[256 * 1024];
        }
        sink = null;
        trim.run(); // sees the burst, not yet quiet
        long quietFrom = fullCollections();
        trim.run(); // quiet now: one full collection

        assertThat(fullCollections()).isGreaterThan(quietFrom);
    }

    private static long youngCollections() {
        long count = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = collector.getName();
            if (!name.contains("MarkSweep") && !name.contains("Old") && !name.contains("Major")) {
                count += collector.getCollectionCount();
            }
        }
        return count;
    }

    private static long fullCollections() {
        long count = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = collector.getName();
            if (name.contains("MarkSweep") || name.contains("Old") || name.contains("Major")) {
                count += collector.getCollectionCount();
            }
        }
        return count;
    }
}
