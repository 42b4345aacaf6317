package dev.minilab.runtime.tools.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.testkit.SshExtension;
import dev.minilab.testkit.SshTarget;
import dev.minilab.testkit.UniqueSleep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** run_ssh against a real OpenSSH sshd started by the test on 127.0.0.1. */
@ExtendWith(SshExtension.class)
class SshIT {

    private final SshTarget sshd;

    @TempDir
    Path workspace;
    Path knownHosts;

    SshIT(SshTarget sshd) {
        this.sshd = sshd;
    }

    @BeforeEach
    void paths() {
        knownHosts = workspace.resolve("docs/known_hosts");
    }

    private Tool runSsh(String allowed, Duration commandTimeout) {
        SshSettings ssh = new SshSettings(sshd.user(), sshd.clientKey(), HostAllowlist.parse(allowed), knownHosts,
                Duration.ofSeconds(5), commandTimeout);
        ToolboxSettings settings = ToolboxSettings.fromEnv(workspace, Map.of()).withSsh(ssh);
        return new Toolbox(settings, Redactor.none()).runSsh();
    }

    private static ToolResult call(Tool tool, String host, String command) {
        return tool.execute(ToolArguments.of(Map.of("host", host, "command", command)), ToolContext.of("QA_Tester"));
    }

    /**
     * Waits up to 20 s for no remote process to match {@code needle}; the caller asserts afterwards. A bound for failure
     * only: on two loaded cores sshd takes seconds to end a session.
     */
    private static void awaitRemoteGone(String needle) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (remoteRunning(needle) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static boolean remoteRunning(String needle) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(needle));
    }

    @Test
    void runsACommandAndRecordsTheHostKeyOnFirstContact() throws IOException {
        Tool ssh = runSsh("127.0.0.1", Duration.ofSeconds(20));

        ToolResult first = call(ssh, sshd.hostAndPort(), "echo hello; id -un");
        ToolResult second = call(ssh, sshd.hostAndPort(), "echo again");

        assertThat(first.status()).as(first.output() + sshd.logText()).isEqualTo(ToolResult.Status.OK);
        assertThat(first.exitCode()).isZero();
        assertThat(first.output()).isEqualTo("hello\n" + sshd.user() + "\n");
        assertThat(Files.readString(knownHosts)).contains(sshd.hostPublicKey().split("\\s+")[1]);
        assertThat(second.output()).isEqualTo("again\n");
    }

    @Test
    void remoteExitCodeAndStderrComeBack() {
        Tool ssh = runSsh("127.0.0.1", Duration.ofSeconds(20));

        ToolResult result = call(ssh, sshd.hostAndPort(), "echo out; echo bad >&2; exit 7");

        assertThat(result.isError()).isTrue();
        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.output()).isEqualTo("out\nbad\n"); // one pty: stderr is merged into stdout
    }

    @Test
    void aChangedHostKeyIsRefusedAndNothingRuns() throws IOException {
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, sshd.wrongKnownHostsLine() + "\n");
        Path marker = workspace.resolve("ran");
        Tool ssh = runSsh("127.0.0.1", Duration.ofSeconds(20));

        ToolResult result = call(ssh, sshd.hostAndPort(), "touch " + marker);

        assertThat(result.isError()).isTrue();
        assertThat(result.output()).contains("host key CHANGED", "[127.0.0.1]:" + sshd.port());
        assertThat(marker).doesNotExist();
    }

    @Test
    void aPinnedCorrectHostKeyIsAccepted() throws IOException {
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");

        ToolResult result = call(runSsh("127.0.0.1", Duration.ofSeconds(20)), sshd.hostAndPort(), "true");

        assertThat(result.status()).as(result.output()).isEqualTo(ToolResult.Status.OK);
    }

    @Test
    void hostsOutsideTheAllowlistAreRefusedWithHowToAllow() {
        ToolResult notListed = call(runSsh("10.0.0.0/8, web1", Duration.ofSeconds(20)), sshd.hostAndPort(), "true");
        ToolResult empty = call(runSsh("", Duration.ofSeconds(20)), sshd.hostAndPort(), "true");

        assertThat(notListed.isError()).isTrue();
        assertThat(notListed.output()).contains("not in SSH_ALLOWED_HOSTS", "10.0.0.0/8");
        assertThat(empty.isError()).isTrue();
        assertThat(empty.output()).contains("SSH_ALLOWED_HOSTS is empty", "in .env");
        assertThat(knownHosts).doesNotExist();
    }

    @Test
    void commandTimeoutKillsTheRemoteCommandsChannel() throws Exception {
        Path marker = workspace.resolve("late-marker");
        Tool ssh = runSsh("127.0.0.0/8", Duration.ofSeconds(1));
        long start = System.nanoTime();

        String sleep = UniqueSleep.of(37);
        ToolResult result = call(ssh, sshd.hostAndPort(), sleep + "; touch " + marker);

        // Well below the 37 s the command would run (no tight bound: ssh's connect alone is slow on loaded cores).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(result.isError()).isTrue();
        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(result.output()).contains("timed out after 1 s");
        awaitRemoteGone(sleep + "; touch");
        assertThat(remoteRunning(sleep + "; touch")).as("the remote shell is gone: " + sshd.logText()).isFalse();
        assertThat(remoteRunning(sleep)).as("the remote sleep is gone too").isFalse();
        assertThat(sshd.logText()).doesNotContain("fatal");
    }

    @Test
    void stopEndsARemoteCommandWithoutWaitingForIt() throws Exception {
        Tool ssh = runSsh("127.0.0.1", Duration.ofSeconds(60));
        Cancellation stop = Cancellation.create();
        String sleep = UniqueSleep.of(38);
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> ssh.execute(
                ToolArguments.of(Map.of("host", sshd.hostAndPort(), "command", sleep)),
                new ToolContext("QA_Tester", stop, null)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> remoteRunning(sleep));

        long stoppedAt = System.nanoTime();
        stop.cancel();
        ToolResult result = call.get(15, TimeUnit.SECONDS);

        // Well below the 38 s the command would run; no sub-second bound (it flakes on two loaded cores).
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(15));
        assertThat(result.exitCode()).isEqualTo(130);
        assertThat(result.output()).contains("stopped by STOP");
        awaitRemoteGone(sleep);
        assertThat(remoteRunning(sleep)).as("the remote command is killed").isFalse();
    }

    @Test
    void aMissingKeyIsExplained() {
        SshSettings ssh = new SshSettings(sshd.user(), workspace.resolve("tmp/no_such_key"),
                HostAllowlist.parse("127.0.0.1"), knownHosts, Duration.ofSeconds(5), Duration.ofSeconds(5));
        Tool tool = new Toolbox(ToolboxSettings.fromEnv(workspace, Map.of()).withSsh(ssh), Redactor.none()).runSsh();

        ToolResult result = call(tool, sshd.hostAndPort(), "true");

        assertThat(result.isError()).isTrue();
        assertThat(result.output()).contains("SSH_KEY_PATH", "does not exist");
    }
}
