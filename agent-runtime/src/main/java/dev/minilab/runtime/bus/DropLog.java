package dev.minilab.runtime.bus;

import org.slf4j.Logger;

/**
 * Logs dropped payloads at WARN without letting a flood of them flood the log: the first {@value #BURST} drops of
 * each minute are logged one by one, the rest only counted and summed up in one line when the minute is over.
 */
final class DropLog {

    static final int BURST = 20;
    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final Logger log;
    private long windowStart = System.nanoTime();
    private int inWindow;
    private long suppressed;

    DropLog(Logger log) {
        this.log = log;
    }

    synchronized void drop(String line) {
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            if (suppressed > 0) {
                log.warn("{} more payloads were dropped in the last minute without a log line each (malformed or failing "
                        + "signature checks); someone may be writing garbage to the bus: check who can reach Redis",
                        suppressed);
            }
            windowStart = now;
            inWindow = 0;
            suppressed = 0;
        }
        if (++inWindow <= BURST) {
            log.warn(line);
        } else {
            suppressed++;
            log.debug(line);
        }
    }
}
