package dev.minilab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshTargetIT {

    @TempDir
    Path dir;

    @Test
    void startsOnLoopbackAcceptsTheClientKeyAndStopsOnClose() throws Exception {
        int port;
        try (SshTarget sshd = SshTarget.start(dir)) {
            port = sshd.port();
            Path knownHosts = Files.writeString(dir.resolve("kh"), sshd.knownHostsLine() + "\n");
            Process ssh = new ProcessBuilder(List.of("ssh", "-F", "/dev/null", "-p", String.valueOf(port),
                    "-i", sshd.clientKey().toString(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                    "-o", "UserKnownHostsFile=" + knownHosts, sshd.user() + "@127.0.0.1", "echo ok"))
                    .redirectErrorStream(true).start();
            String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(ssh.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(ssh.exitValue()).as(out + sshd.logText()).isZero();
            assertThat(out).contains("ok");
            assertThat(Files.readString(dir.resolve("sshd_config"))).contains("ListenAddress 127.0.0.1");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            throw new AssertionError("sshd still listens after close");
        } catch (IOException expected) {
            // closed as it should be
        }
    }

    @Test
    void terraformStandInIsInstalledAndSaysWhatItIs() throws Exception {
        Path standIn = TerraformStandIn.install(dir.resolve("bin"));
        Process p = new ProcessBuilder(standIn.toString(), "version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(standIn.getFileName().toString()).isEqualTo("terraform-stand-in");
        assertThat(out).contains("MiniLab stand-in, not real terraform");
    }
}
