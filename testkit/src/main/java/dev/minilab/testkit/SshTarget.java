package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH {@code sshd} started by a test as its child process ({@code -D -e}, no daemonising) on a free port
 * of 127.0.0.1 only, with a host key and a client key generated for the test and a test-made {@code sshd_config}
 * (StrictModes no, the test's authorized_keys, PidFile in the temp dir). The login user is the user running the test.
 *
 * <p>Everything lives under the given directory. The one exception: when the test runs as root and
 * {@code /run/sshd} (sshd's privilege-separation directory, normally made by the system's sshd service) is missing,
 * it is created, because sshd refuses to start as root without it.
 */
public final class SshTarget implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path clientKey;
    private final Path hostPublicKey;
    private final Path log;
    private final Path dir;

    private SshTarget(Process process, int port, Path clientKey, Path hostPublicKey, Path log, Path dir) {
        this.process = process;
        this.port = port;
        this.clientKey = clientKey;
        this.hostPublicKey = hostPublicKey;
        this.log = log;
        this.dir = dir;
    }

    /** The sshd binary, when openssh-server is installed. */
    public static Optional<Path> sshd() {
        for (String candidate : List.of("/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(Path.of(candidate));
            }
        }
        return Optional.empty();
    }

    /** Starts sshd with fresh keys under {@code directory}; waits until it accepts connections. */
    public static SshTarget start(Path directory) {
        Path binary = sshd().orElseThrow(() -> new IllegalStateException(
                "sshd not found: install openssh-server (apt-get install openssh-server); .ci/run does"));
        try {
            Path dir = Files.createDirectories(directory.toAbsolutePath());
            Path hostKey = generateKey(dir.resolve("ssh_host_ed25519_key"));
            Path clientKey = generateKey(dir.resolve("client_id_ed25519"));
            Path authorized = dir.resolve("authorized_keys");
            Files.copy(Path.of(clientKey + ".pub"), authorized);
            ensurePrivsepDirectory();
            IllegalStateException lastFailure = null;
            for (int attempt = 0; attempt < 3; attempt++) { // another process may grab the port first: retry
                int port = FreePort.find();
                Path config = writeConfig(dir, port, hostKey, authorized);
                Path log = dir.resolve("sshd.log");
                Process process = new ProcessBuilder(binary.toString(), "-D", "-e", "-f", config.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                SshTarget target = new SshTarget(process, port, clientKey, Path.of(hostKey + ".pub"), log, dir);
                try {
                    target.awaitListening();
                    return target;
                } catch (IllegalStateException e) {
                    target.close();
                    lastFailure = e;
                }
            }
            throw lastFailure;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start sshd under " + directory, e);
        }
    }

    private static Path writeConfig(Path dir, int port, Path hostKey, Path authorized) throws IOException {
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "AuthorizedKeysFile " + authorized,
                "PidFile " + dir.resolve("sshd.pid"),
                // Sessions get a home of their own: bash run by sshd sources ~/.bashrc, and the login user's real
                // one may be slow or lock (seen: a pyenv init whose rehash lock, left behind by a killed session,
                // made every command wait 60 s and fail the SSH and Ansible tests with timeouts).
                "SetEnv HOME=" + Files.createDirectories(dir.resolve("home")),
                "StrictModes no",
                "UsePAM no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "AllowTcpForwarding no",
                "AllowAgentForwarding no",
                "X11Forwarding no",
                "PermitTTY yes",
                "PrintMotd no",
                "MaxStartups 50",
                "LogLevel VERBOSE",
                "Subsystem sftp internal-sftp",
                ""));
        return config;
    }

    /** Generates an unencrypted ed25519 key pair at {@code file} (+ .pub) with ssh-keygen. */
    public static Path generateKey(Path file) {
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "minilab-test", "-f", file.toString()));
        return file;
    }

    private static void ensurePrivsepDirectory() throws IOException {
        Path privsep = Path.of("/run/sshd");
        if ("root".equals(System.getProperty("user.name")) && !Files.isDirectory(privsep)) {
            Files.createDirectories(privsep, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited with " + process.exitValue() + ": " + logText());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep(50);
            }
        }
        close();
        throw new IllegalStateException("sshd did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT
                + ": " + logText());
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, as run_ssh takes it. */
    public String hostAndPort() {
        return host() + ":" + port;
    }

    /** The user the test runs as (sshd accepts the client key for it). */
    public String user() {
        return System.getProperty("user.name");
    }

    /** The private client key authorised on this server. */
    public Path clientKey() {
        return clientKey;
    }

    /** The server's public host key line ({@code ssh-ed25519 AAAA... comment}). */
    public String hostPublicKey() {
        try {
            return Files.readString(hostPublicKey).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A known_hosts line that pins this server's real key. */
    public String knownHostsLine() {
        String[] parts = hostPublicKey().split("\\s+");
        return "[" + host() + "]:" + port + " " + parts[0] + " " + parts[1];
    }

    /** A known_hosts line for this host and port with a different (wrong) key, as after a MITM or reinstall. */
    public String wrongKnownHostsLine() {
        Path other = generateKey(dir.resolve("other_host_key_" + System.nanoTime()));
        try {
            String[] parts = Files.readString(Path.of(other + ".pub")).strip().split("\\s+");
            return "[" + host() + "]:" + port + " " + parts[0] + " " + parts[1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What sshd logged so far (for assertion messages). */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Stops sshd (and the session processes it started for this test). */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.getFirst() + " (is openssh-client installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
