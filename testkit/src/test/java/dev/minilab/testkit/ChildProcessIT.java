package dev.minilab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessIT {

    @TempDir
    Path dir;

    private ChildProcess sh(String script) {
        return ChildProcess.start(new ProcessBuilder("sh", "-c", script), dir.resolve("logs/child.log"),
                Duration.ofMillis(500));
    }

    @Test
    void awaitOutputReturnsTheFirstLineContainingTheText() {
        try (ChildProcess child = sh("echo starting; sleep 0.2; echo 'READY port=1234' >&2; sleep 30")) {
            String line = child.awaitOutput("READY", Duration.ofSeconds(5));

            assertThat(line).isEqualTo("READY port=1234");
            assertThat(child.output()).contains("starting").contains("READY port=1234");
        }
    }

    @Test
    void awaitOutputAfterAMarkIgnoresEarlierLines() {
        try (ChildProcess child = sh("echo 'tick 1'; read x; echo 'tick 2'; sleep 30")) {
            child.awaitOutput("tick 1", Duration.ofSeconds(5));
            long mark = child.mark();
            writeLine(child);

            assertThat(child.awaitOutputAfter(mark, "tick", Duration.ofSeconds(5))).isEqualTo("tick 2");
        }
    }

    @Test
    void awaitOutputFailsWithTheLogTailWhenTheProcessExitsFirst() {
        try (ChildProcess child = sh("echo 'config broken'; exit 3")) {
            assertThatThrownBy(() -> child.awaitOutput("READY", Duration.ofSeconds(5)))
                    .isInstanceOf(ChildProcessException.class)
                    .hasMessageContaining("exited with code 3")
                    .hasMessageContaining("config broken");
            assertThat(child.awaitExit(Duration.ofSeconds(1))).isEqualTo(3);
        }
    }

    @Test
    void awaitOutputTimesOutWithTheLogTail() {
        try (ChildProcess child = sh("echo 'still booting'; sleep 30")) {
            assertThatThrownBy(() -> child.awaitOutput("READY", Duration.ofMillis(300)))
                    .isInstanceOf(ChildProcessException.class)
                    .hasMessageContaining("did not print 'READY'")
                    .hasMessageContaining("still booting");
        }
    }

    @Test
    void closeEndsTheWholeTreeIncludingGrandchildren() {
        ChildProcess child = sh("sh -c 'sleep 300 & sleep 300 & wait' & sleep 300 & echo started; wait");
        child.awaitOutput("started", Duration.ofSeconds(5));
        awaitDescendants(child, 4);
        List<ProcessHandle> tree = child.process().descendants().toList();

        long start = System.nanoTime();
        child.close();

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
        assertThat(child.isAlive()).isFalse();
        assertThat(tree).noneMatch(ChildProcess::isRunning);
    }

    @Test
    void closeEscalatesToSigkillWhenSigtermIsIgnored() {
        ChildProcess child = sh("trap '' TERM; echo trapped; while true; do sleep 0.05; done");
        child.awaitOutput("trapped", Duration.ofSeconds(5));

        long start = System.nanoTime();
        child.close();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(child.isAlive()).isFalse();
        assertThat(millis).isBetween(450L, 3_000L);
        assertThat(child.process().exitValue()).isEqualTo(137);
    }

    @Test
    void startFailureNamesTheCommand() {
        assertThatThrownBy(() -> ChildProcess.start(new ProcessBuilder("/nonexistent/launcher"),
                dir.resolve("x.log")))
                .hasMessageContaining("/nonexistent/launcher");
    }

    private static void writeLine(ChildProcess child) {
        try {
            child.process().getOutputStream().write("go\n".getBytes());
            child.process().getOutputStream().flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitDescendants(ChildProcess child, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (child.process().descendants().count() < count) {
            assertThat(System.nanoTime()).as("descendants started").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
