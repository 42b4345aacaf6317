package dev.minilab.runtime.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.control.Cancellation;
import dev.minilab.testkit.UniqueSleep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interrupt grace of {@link ExecRequest}: on STOP or timeout a process first gets one SIGINT and the grace to end
 * by itself (what terraform needs to write its state and release its lock), then the tree is killed.
 */
class ProcessRunnerInterruptIT {

    /** Writes "ready" once its INT handler is installed; on SIGINT it writes "cleaned" and exits 3. */
    private static final String CLEANS_UP_ON_INT = "trap 'echo cleaned > cleaned; exit 3' INT; echo > ready; "
            + "sleep 41 & wait";
    /** Unique on this machine: the test looks for it among all processes (another suite may run beside this one). */
    private static final String SLEEP_42 = UniqueSleep.of(42);
    /** Ignores SIGINT (as a stuck provider would): only the kill after the grace ends it. */
    private static final String IGNORES_INT = "trap '' INT; echo > ready; " + SLEEP_42 + "; echo > survived";

    @TempDir
    Path dir;

    private final ProcessRunner runner = new ProcessRunner();

    private ExecRequest request(String script, Duration timeout, Duration grace) {
        return ExecRequest.of(List.of("bash", "-c", script), dir, Map.of("PATH", System.getenv("PATH")), timeout)
                .withInterruptGrace(grace);
    }

    private CompletableFuture<ExecResult> start(ExecRequest request, Cancellation stop) {
        CompletableFuture<ExecResult> run = CompletableFuture.supplyAsync(() -> runner.run(request, stop));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("ready")));
        return run;
    }

    /** True while a process runs {@code command} (Java shows the executable's full path: /usr/bin/sleep 42). */
    private static boolean running(String command) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").endsWith(command));
    }

    @Test
    void stopInterruptsFirstSoTheProcessCanCleanUp() throws Exception {
        Cancellation stop = Cancellation.create();
        CompletableFuture<ExecResult> run = start(request(CLEANS_UP_ON_INT, Duration.ofSeconds(60),
                Duration.ofSeconds(30)), stop);

        stop.cancel();
        ExecResult result = run.get(20, TimeUnit.SECONDS);

        assertThat(dir.resolve("cleaned")).as("the INT handler ran").exists();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.cancelled()).isTrue();
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void withoutAGraceStopKillsAtOnceAndNothingCleansUp() throws Exception {
        Cancellation stop = Cancellation.create();
        CompletableFuture<ExecResult> run = start(request(CLEANS_UP_ON_INT, Duration.ofSeconds(60), Duration.ZERO),
                stop);

        stop.cancel();
        ExecResult result = run.get(20, TimeUnit.SECONDS);

        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.cancelled()).isTrue();
        assertThat(dir.resolve("cleaned")).doesNotExist(); // the process is dead: nothing can write it any more
    }

    @Test
    void aProcessThatIgnoresTheInterruptIsKilledWhenTheGraceEnds() throws Exception {
        Cancellation stop = Cancellation.create();
        Duration grace = Duration.ofSeconds(2);
        CompletableFuture<ExecResult> run = start(request(IGNORES_INT, Duration.ofSeconds(60), grace), stop);
        await().atMost(Duration.ofSeconds(20)).until(() -> running(SLEEP_42));

        long stoppedAt = System.nanoTime();
        stop.cancel();
        ExecResult result = run.get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - stoppedAt);

        assertThat(took).isGreaterThanOrEqualTo(grace).isLessThan(grace.plusSeconds(15));
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.cancelled()).isTrue();
        assertThat(running(SLEEP_42)).as("the tree is gone").isFalse();
    }

    @Test
    void aCommandStartsWithSigintAtItsDefaultEvenWhenThisJvmIgnoresIt() {
        // Run from a script with '&' (./minilab up, a CI runner) the JVM ignores SIGINT and children inherit that; a
        // shell's trap then never fires. Without the reset this fails exactly there (and passes in a terminal).
        ExecResult result = runner.run(request("grep SigIgn /proc/self/status", Duration.ofSeconds(30),
                Duration.ZERO), Cancellation.create());

        assertThat(result.exitCode()).as(result.combinedOutput()).isZero();
        long ignored = Long.parseUnsignedLong(result.stdout().strip().substring("SigIgn:".length()).strip(), 16);
        assertThat(ignored & 0b10).as("SIGINT ignored in the child (this JVM ignores it: %s)",
                ProcessRunner.interruptIgnored()).isZero();
    }

    @Test
    void aTimeoutInterruptsFirstToo() {
        ExecResult result = runner.run(request("trap 'echo cleaned > cleaned; exit 3' INT; sleep 43 & wait",
                Duration.ofSeconds(5), Duration.ofSeconds(30)), Cancellation.create());

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(dir.resolve("cleaned")).exists();
    }
}
