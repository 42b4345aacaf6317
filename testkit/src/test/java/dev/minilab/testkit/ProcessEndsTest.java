package dev.minilab.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessEndsTest {

    @Test
    void waitsForAProcessThatEndsWithinTheGraceAndKillsNothing() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "sleep 0.3").start();
        List<ProcessHandle> tree = ProcessEnds.treeOf(p.pid());

        long start = System.nanoTime();
        List<Long> killed = ProcessEnds.await(tree, Duration.ofSeconds(20));

        assertThat(killed).isEmpty();
        assertThat(p.isAlive()).isFalse();
        assertThat(p.exitValue()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void killsWhatIsStillRunningAfterTheGraceIncludingChildrenTakenBeforehand() throws Exception {
        // A shell that ignores SIGHUP/SIGTERM with a child: what a console pane can leave behind.
        Process p = new ProcessBuilder("sh", "-c", "trap '' HUP TERM; sleep 300 & wait").start();
        ProcessHandle root = p.toHandle();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> root.descendants().findAny().isPresent());
        List<ProcessHandle> tree = ProcessEnds.treeOf(p.pid());
        assertThat(tree).hasSize(2);

        List<Long> killed = ProcessEnds.await(tree, Duration.ofMillis(300));

        assertThat(killed).containsExactlyInAnyOrderElementsOf(tree.stream().map(ProcessHandle::pid).toList());
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void aPidThatIsGoneGivesAnEmptyTree() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long pid = p.pid();

        assertThat(ProcessEnds.treeOf(pid)).allMatch(h -> !h.isAlive());
        assertThat(ProcessEnds.await(ProcessEnds.treeOf(pid), Duration.ofMillis(100))).isEmpty();
    }
}
