package dev.minilab.console;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;


import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Collects the "halted" status messages of the roles after a CLEAR, until all confirmed or time is up. */
final class HaltWatch {

    private final List<String> expected;
    private final Set<String> confirmed = new LinkedHashSet<>();

    HaltWatch(List<String> expected) {
        this.expected = List.copyOf(expected);
    }

    /** Counts {@code message} if it is a STATUS from an expected role whose content contains "halted". */
    synchronized void onMessage(Message message) {
        if (message.kind() == MessageKind.STATUS && expected.contains(message.sender())
                && message.content().toLowerCase(Locale.ROOT).contains("halted")) {
            confirmed.add(message.sender());
            notifyAll();
        }
    }

    /** Waits until every expected role confirmed or {@code timeout} passed; returns who confirmed, in role order. */
    synchronized List<String> await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (confirmed.size() < expected.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> out = new ArrayList<>();
        for (String role : expected) {
            if (confirmed.contains(role)) {
                out.add(role);
            }
        }
        return out;
    }
}
