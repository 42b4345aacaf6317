package dev.minilab.runtime.tools.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.testkit.SshExtension;
import dev.minilab.testkit.SshTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, findings 7, 8 and 11, against a real sshd: a pin of any type that does not match is a changed host key,
 * known_hosts is only ever appended to (under a lock, never rewritten from a stale copy), and a passphrase-protected
 * key is explained before any connection.
 */
@ExtendWith(SshExtension.class)
class SshTrustIT {

    private final SshTarget sshd;

    @TempDir
    Path workspace;
    Path knownHosts;

    SshTrustIT(SshTarget sshd) {
        this.sshd = sshd;
    }

    @BeforeEach
    void paths() throws IOException {
        knownHosts = workspace.resolve("docs/known_hosts");
        Files.createDirectories(knownHosts.getParent());
    }

    private Tool runSsh(Path key) {
        SshSettings ssh = new SshSettings(sshd.user(), key, HostAllowlist.parse("127.0.0.1"), knownHosts,
                Duration.ofSeconds(10), Duration.ofSeconds(30));
        return new Toolbox(ToolboxSettings.fromEnv(workspace, Map.of()).withSsh(ssh), Redactor.none()).runSsh();
    }

    private static ToolResult call(Tool tool, String host, String command) {
        return tool.execute(ToolArguments.of(Map.of("host", host, "command", command)), ToolContext.of("QA_Tester"));
    }

    /** A public key line ({@code type base64}) of a fresh key of {@code type} made by ssh-keygen. */
    private String freshPublicKey(String type) throws Exception {
        Path key = workspace.resolve("tmp/other_" + type + "_" + System.nanoTime());
        Files.createDirectories(key.getParent());
        run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString()));
        String[] parts = Files.readString(Path.of(key + ".pub")).strip().split("\\s+");
        return parts[0] + " " + parts[1];
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    // ---- finding 7 ----

    @Test
    void aPinOfAnotherKeyTypeMeansTheHostKeyChanged() throws Exception {
        String pin = "[127.0.0.1]:" + sshd.port() + " " + freshPublicKey("ecdsa") + "\n";
        Files.writeString(knownHosts, pin);
        Path marker = workspace.resolve("ran");

        ToolResult result = call(runSsh(sshd.clientKey()), sshd.hostAndPort(), "touch " + marker);

        assertThat(result.isError()).as(result.output()).isTrue();
        assertThat(result.output()).contains("host key CHANGED", "ecdsa-sha2-nistp256", "ssh-ed25519",
                "[127.0.0.1]:" + sshd.port());
        assertThat(marker).doesNotExist();
        assertThat(Files.readString(knownHosts)).as("nothing was added next to the pin").isEqualTo(pin);
    }

    @Test
    void aHashedPinOfTheRightKeyIsAccepted() throws Exception {
        Path file = workspace.resolve("tmp/hashed_known_hosts");
        Files.createDirectories(file.getParent());
        Files.writeString(file, sshd.knownHostsLine() + "\n");
        run(List.of("ssh-keygen", "-q", "-H", "-f", file.toString()));
        Files.writeString(knownHosts, Files.readString(file));
        assertThat(Files.readString(knownHosts)).startsWith("|1|");

        ToolResult result = call(runSsh(sshd.clientKey()), sshd.hostAndPort(), "echo pinned");

        assertThat(result.status()).as(result.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(Files.readString(knownHosts)).doesNotContain("127.0.0.1");
    }

    // ---- finding 8 ----

    @Test
    void firstContactAppendsAndKeepsAPinAnotherAgentAddedMeanwhile() throws Exception {
        String existing = "# pins of the lab\nweb1 " + freshPublicKey("ed25519") + "\n";
        Files.writeString(knownHosts, existing);
        String addedMeanwhile = "db1 " + freshPublicKey("ed25519") + "\n";
        try (HoldingProxy proxy = new HoldingProxy(sshd.port())) {
            Tool ssh = runSsh(sshd.clientKey());
            CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> call(ssh,
                    "127.0.0.1:" + proxy.port(), "echo first-contact"));
            assertThat(proxy.connected.await(30, TimeUnit.SECONDS)).as("run_ssh connected").isTrue();
            // The other agent (ansible's ssh, QA's run_ssh) pins another host while this connection is set up.
            Files.writeString(knownHosts, addedMeanwhile, StandardOpenOption.APPEND);
            proxy.release.countDown();

            ToolResult result = call.get(60, TimeUnit.SECONDS);

            assertThat(result.status()).as(result.output()).isEqualTo(ToolResult.Status.OK);
            assertThat(Files.readString(knownHosts)).startsWith(existing + addedMeanwhile)
                    .contains("[127.0.0.1]:" + proxy.port() + " " + sshd.hostPublicKey().split("\\s+")[0]);
        }
    }

    // ---- finding 11 ----

    @Test
    void aPassphraseProtectedKeyIsExplainedBeforeConnecting() throws Exception {
        Path key = workspace.resolve("tmp/locked_key");
        Files.createDirectories(key.getParent());
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "correct horse", "-f", key.toString()));

        ToolResult result = call(runSsh(key), sshd.hostAndPort(), "true");

        assertThat(result.isError()).isTrue();
        assertThat(result.output()).contains("protected by a passphrase", "SSH_AGENT_SOCK", "ssh-add")
                .doesNotContain("sshd listens");
        assertThat(knownHosts).as("no connection was made").doesNotExist();
    }

    /**
     * A TCP proxy to sshd that holds the first connection until {@link #release}: the moment between run_ssh reading
     * known_hosts and the server's key arriving, made as long as the test needs.
     */
    static final class HoldingProxy implements AutoCloseable {
        final CountDownLatch connected = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final ServerSocket server;
        private final Thread acceptor;

        HoldingProxy(int targetPort) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                try (Socket client = server.accept();
                     Socket target = new Socket()) {
                    connected.countDown();
                    release.await();
                    target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                    Thread up = pump(client.getInputStream(), target.getOutputStream());
                    Thread down = pump(target.getInputStream(), client.getOutputStream());
                    up.join();
                    down.join();
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static Thread pump(InputStream in, OutputStream out) {
            return Thread.ofVirtual().start(() -> {
                try {
                    in.transferTo(out);
                    out.close();
                } catch (IOException e) {
                    // connection closed
                }
            });
        }

        @Override
        public void close() throws IOException {
            release.countDown();
            server.close();
            acceptor.interrupt();
        }
    }
}
