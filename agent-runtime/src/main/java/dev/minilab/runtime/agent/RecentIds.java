package dev.minilab.runtime.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Sets of message ids that remember only the most recent ones (oldest forgotten first); not thread-safe. */
final class RecentIds {

    private RecentIds() {
    }

    /** A set that keeps at most {@code capacity} ids, forgetting the eldest added first. */
    static Set<String> keeping(int capacity) {
        return Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        });
    }
}
