package dev.minilab.runtime.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.control.Cancellation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process runner under real bubblewrap (installed by .ci/run; these machines run it as root): a PID namespace per
 * call, so STOP, a timeout or the end of the command leave no process behind, even one that left the session with
 * {@code setsid}; and the graceful interrupt reaches the command inside the namespace.
 */
class ProcessIsolationIT {

    @TempDir
    Path workspace;
    ProcessRunner runner;
    Map<String, String> env;

    @BeforeEach
    void confined() {
        SandboxStatus status = SandboxStatus.fromEnv(Map.of("PATH", System.getenv("PATH")));
        assertThat(status).as("bwrap must work on this machine (apt-get install bubblewrap)")
                .isInstanceOf(SandboxStatus.Confined.class);
        runner = ProcessRunner.confined(status.isolation(), SandboxView.writableWorkspace(workspace));
        env = Map.of("PATH", System.getenv("PATH"));
    }

    /** A sleep duration no other process on this shared machine has: the needle for pgrep. */
    private static String uniqueSleep() {
        return "3" + ThreadLocalRandom.current().nextInt(10, 99) + "." + ThreadLocalRandom.current().nextInt(100000,
                999999);
    }

    private static List<Long> survivors(String needle) throws Exception {
        Process pgrep = new ProcessBuilder("pgrep", "-f", "^sleep " + needle).redirectErrorStream(true).start();
        String out = new String(pgrep.getInputStream().readAllBytes()).strip();
        pgrep.waitFor(5, TimeUnit.SECONDS);
        return out.isEmpty() ? List.of() : out.lines().map(Long::parseLong).toList();
    }

    private ExecRequest bash(String script, Duration timeout) {
        return ExecRequest.of(List.of("bash", "-c", script), workspace, env, timeout);
    }

    @Test
    void stopLeavesNoSetsidGrandchildBehind() throws Exception {
        String needle = uniqueSleep();
        Cancellation stop = Cancellation.create();
        CompletableFuture<ExecResult> call = CompletableFuture.supplyAsync(() -> runner.run(bash(
                "setsid -f sleep " + needle + "; ( setsid sleep " + needle + " & ); sleep 600", Duration.ofMinutes(5)),
                stop));
        await().atMost(Duration.ofSeconds(20)).until(() -> survivors(needle).size() == 2);

        stop.cancel();
        ExecResult result = call.get(10, TimeUnit.SECONDS);

        assertThat(result.cancelled()).isTrue();
        await().atMost(Duration.ofSeconds(15)).until(() -> survivors(needle).isEmpty());
        assertThat(survivors(needle)).as("nothing reappears").isEmpty();
    }

    @Test
    void timeoutLeavesNoSetsidGrandchildBehind() throws Exception {
        String needle = uniqueSleep();

        ExecResult result = runner.run(bash("setsid -f sleep " + needle + "; sleep 600", Duration.ofSeconds(3)),
                Cancellation.create());

        assertThat(result.timedOut()).isTrue();
        await().atMost(Duration.ofSeconds(15)).until(() -> survivors(needle).isEmpty());
    }

    @Test
    void aCommandThatEndsTakesItsDetachedChildrenWithIt() throws Exception {
        String needle = uniqueSleep();

        ExecResult result = runner.run(bash("setsid -f sleep " + needle + "; nohup sleep " + needle
                + " >/dev/null 2>&1 & echo done", Duration.ofSeconds(30)), Cancellation.create());

        assertThat(result.succeeded()).as(result.combinedOutput()).isTrue();
        assertThat(result.stdout()).isEqualTo("done\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> survivors(needle).isEmpty());
    }

    @Test
    void interruptReachesTheCommandInsideTheNamespaceAndLetsItFinish() throws Exception {
        String needle = uniqueSleep();
        RunningProcess running = runner.start(bash("trap 'echo interrupted > marker; sleep 0.5; echo saved >> marker; "
                + "exit 0' INT; echo started > started; sleep " + needle + " & wait", Duration.ofMinutes(5)));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(workspace.resolve("started"))
                && !survivors(needle).isEmpty());
        assertThat(running.commandProcesses()).as("the command's processes, not bwrap's").isNotEmpty()
                .noneMatch(p -> p.info().command().orElse("").endsWith("/bwrap"));

        boolean endedOnItsOwn = running.interrupt(Duration.ofSeconds(20));

        assertThat(endedOnItsOwn).as("the trap ran and the command exited within the grace period").isTrue();
        assertThat(Files.readString(workspace.resolve("marker"))).isEqualTo("interrupted\nsaved\n");
        assertThat(running.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(15)).until(() -> survivors(needle).isEmpty());
    }

    @Test
    void interruptKillsWhatIgnoresItAfterTheGracePeriod() throws Exception {
        String needle = uniqueSleep();
        RunningProcess running = runner.start(bash("trap '' INT; echo started > started; sleep " + needle
                + "; echo too-late > marker", Duration.ofMinutes(5)));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(workspace.resolve("started")));
        long start = System.nanoTime();

        boolean endedOnItsOwn = running.interrupt(Duration.ofSeconds(2));

        assertThat(endedOnItsOwn).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1900L, 10_000L);
        await().atMost(Duration.ofSeconds(15)).until(() -> !running.isAlive() && survivors(needle).isEmpty());
        assertThat(workspace.resolve("marker")).doesNotExist();
    }

    @Test
    void theSandboxSeesItsOwnProcessesOnlyAndNoAgentEnvironment() throws Exception {
        // A process of the "agent" with a secret in its environment, as the agent JVM has.
        String canary = "canary-" + ThreadLocalRandom.current().nextLong(1L << 40);
        String needle = uniqueSleep();
        Process withSecret = new ProcessBuilder("env", "AGENT_API_KEY=" + canary, "sleep", needle).start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !survivors(needle).isEmpty());

            ExecResult result = runner.run(bash("ls /proc | grep -c '^[0-9]'; cat /proc/*/environ 2>/dev/null "
                    + "| tr 'A-Za-z' 'N-ZA-Mn-za-m'; ps axeww; cat /proc/$PPID/cmdline | tr '\\0' ' '",
                    Duration.ofSeconds(30)), Cancellation.create());

            String rot13 = dev.minilab.runtime.tools.toolbox.IsolationAttackIT.rot13(canary);
            assertThat(result.succeeded()).as(result.combinedOutput()).isTrue();
            assertThat(result.stdout()).doesNotContain(canary).doesNotContain(rot13).doesNotContain("java")
                    .doesNotContain("sleep " + needle).contains("bwrap");
            int visible = Integer.parseInt(result.stdout().lines().findFirst().orElseThrow().strip());
            assertThat(visible).as("processes visible inside: bwrap's init, bash and its pipeline").isLessThan(10);
        } finally {
            withSecret.destroyForcibly();
        }
    }
}
