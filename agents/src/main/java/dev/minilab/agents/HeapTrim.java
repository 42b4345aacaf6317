package dev.minilab.agents;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap a burst grew back to the OS once the agent is quiet again (issue 12: RSS after 10,000 hostile bus
 * payloads). Serial GC, the agents' collector, resizes the heap only after a full collection, and a burst promotes
 * its short-lived garbage into the old generation, which then stays committed (57 MB of a 62 MB heap after the
 * benchmark's flood, ~20 MB of it live). After at least {@value #BURST_YOUNG_GCS} young collections since the last
 * full one, and none in the last check period, this runs one full collection; with {@code -XX:MaxHeapFreeRatio}
 * (the launcher sets 30) it shrinks the heap. A full collection of this heap takes tens of milliseconds, and only
 * after a burst: at rest nothing is collected.
 */
final class HeapTrim implements Runnable {

    /** Young collections since the last full one that make a burst. */
    static final int BURST_YOUNG_GCS = 20;
    /** How often to look, in milliseconds. */
    static final long PERIOD_MS = 1_500;
    private static final Logger LOG = LoggerFactory.getLogger(HeapTrim.class);

    private final LongSupplier youngCollections;
    private final Runnable fullCollection;
    private long youngAtLastCheck = -1;
    private long youngAtLastFull;

    /** A trim of this JVM's heap. */
    HeapTrim() {
        this(HeapTrim::youngCollections, System::gc);
    }

    /** A trim that reads the young collections so far from {@code youngCollections}, runs {@code fullCollection}. */
    HeapTrim(LongSupplier youngCollections, Runnable fullCollection) {
        this.youngCollections = youngCollections;
        this.fullCollection = fullCollection;
    }

    /** Starts the check on a daemon thread of its own; returns that thread. */
    static Thread start() {
        Thread thread = Thread.ofPlatform().daemon().name("heap-trim").stackSize(256 * 1024).start(() -> {
            HeapTrim trim = new HeapTrim();
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(PERIOD_MS);
                    trim.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return thread;
    }

    @Override
    public void run() {
        long young = youngCollections.getAsLong();
        boolean quiet = young == youngAtLastCheck;
        youngAtLastCheck = young;
        long burst = young - youngAtLastFull;
        if (quiet && burst >= BURST_YOUNG_GCS) {
            long committed = Runtime.getRuntime().totalMemory();
            fullCollection.run();
            youngAtLastFull = youngCollections.getAsLong();
            youngAtLastCheck = youngAtLastFull;
            LOG.debug("Heap after a burst of {} young collections: {} MB committed before a full collection, {} MB "
                    + "after", burst, committed >> 20, Runtime.getRuntime().totalMemory() >> 20);
        }
    }

    /** Young collections so far: those of every collector but the old generation's (Serial: "Copy"). */
    private static long youngCollections() {
        long count = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = collector.getName();
            if (!name.contains("MarkSweep") && !name.contains("Old") && !name.contains("Major")) {
                count += Math.max(0, collector.getCollectionCount());
            }
        }
        return count;
    }
}
