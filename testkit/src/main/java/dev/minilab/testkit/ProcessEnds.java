package dev.minilab.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for processes a test only signalled (tmux's kill-server sends SIGHUP) to have really ended, so that nothing
 * still writes into a {@code @TempDir} while JUnit deletes it (that cleanup failed once in ten whole-suite runs under
 * load with "DirectoryNotEmptyException": a console JVM was still shutting down).
 */
public final class ProcessEnds {

    private static final Duration FORCED = Duration.ofSeconds(10);

    private ProcessEnds() {
    }

    /** The process with this pid and all its descendants, taken now (before they are signalled and reparented). */
    public static List<ProcessHandle> treeOf(long pid) {
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        List<ProcessHandle> tree = new ArrayList<>();
        root.ifPresent(r -> {
            tree.add(r);
            tree.addAll(r.descendants().toList());
        });
        return tree;
    }

    /**
     * Waits up to {@code grace} for every process to end, then kills the ones left (SIGKILL) and waits for them up to
     * 10 s more. Returns the pids that were killed, for a test that wants to say so.
     */
    public static List<Long> await(List<ProcessHandle> processes, Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        List<Long> killed = new ArrayList<>();
        for (ProcessHandle p : processes) {
            if (!waitFor(p, Math.max(0, deadline - System.nanoTime()))) {
                killed.add(p.pid());
                p.destroyForcibly();
                waitFor(p, FORCED.toNanos());
            }
        }
        return killed;
    }

    private static boolean waitFor(ProcessHandle p, long nanos) throws InterruptedException {
        if (!p.isAlive()) {
            return true;
        }
        try {
            p.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        }
    }
}
