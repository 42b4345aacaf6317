package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One {@code redis-server} child process (a data node or, with {@code --sentinel}, a sentinel) on a free loopback
 * port, configured by the caller's config text; the building block of {@link RedisSentinelSet} and
 * {@link #startTls TLS servers}. The fixture itself talks to it in plain RESP on {@link #port()}.
 */
public final class RedisNode implements AutoCloseable {

    private static final int BIND_ATTEMPTS = 3;

    private final String name;
    private final Path dir;
    private final Path log;
    private final int port;
    private final String password;
    private final Process process;

    private RedisNode(String name, Path dir, Path log, int port, String password, Process process) {
        this.name = name;
        this.dir = dir;
        this.log = log;
        this.port = port;
        this.password = password;
        this.process = process;
    }

    /**
     * Starts redis-server in {@code dir} with the config {@code config.apply(port)} (port, bind 127.0.0.1, dir and no
     * daemonizing are added) and waits until it answers PING.
     *
     * @param sentinel run as a sentinel ({@code --sentinel}; the config file must stay writable: sentinels rewrite it)
     * @param password the password the fixture's own PING uses, or null
     */
    public static RedisNode start(Path dir, String name, IntFunction<String> config, boolean sentinel, String password,
                                  Duration startupTimeout) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            int port = FreePort.find();
            try {
                return launch(dir, name, port, config.apply(port), sentinel, password, startupTimeout);
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("Address already in use")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /**
     * Starts a TLS server: TLS on {@code tlsPort} with {@code certs}' server certificate, client certificates demanded
     * when {@code authClients} (mutual TLS), and a plain-text port on 127.0.0.1 for the fixture's own PING.
     */
    public static RedisNode startTls(Path dir, String name, TlsCertificates certs, int tlsPort, boolean authClients,
                                     String password) {
        return start(dir, name, port -> "tls-port " + tlsPort + "\n"
                + "tls-cert-file " + quote(certs.serverCert().toString()) + "\n"
                + "tls-key-file " + quote(certs.serverKey().toString()) + "\n"
                + "tls-ca-cert-file " + quote(certs.caCert().toString()) + "\n"
                + "tls-auth-clients " + (authClients ? "yes" : "no") + "\n"
                + "appendonly no\nsave \"\"\n"
                + (password == null ? "" : "requirepass " + quote(password) + "\n"),
                false, password, Duration.ofSeconds(15));
    }

    private static RedisNode launch(Path dir, String name, int port, String config, boolean sentinel, String password,
                                    Duration startupTimeout) {
        Path log = dir.resolve(name + ".log");
        Path conf = dir.resolve(name + ".conf");
        Path data = dir.resolve(name + "-data");
        try {
            Files.createDirectories(data);
            Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndaemonize no\ndir " + quote(data.toString())
                    + "\n" + config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + conf, e);
        }
        List<String> command = sentinel ? List.of("redis-server", conf.toString(), "--sentinel")
                : List.of("redis-server", conf.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not run redis-server (apt-get install redis-server): "
                    + e.getMessage(), e);
        }
        RedisNode node = new RedisNode(name, dir, log, port, password, process);
        node.awaitPong(startupTimeout);
        return node;
    }

    private void awaitPong(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + ": redis-server exited with code " + process.exitValue()
                        + " on port " + port + "; log " + log + ":\n" + output());
            }
            if (ping()) {
                return;
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + ": redis-server did not answer PING on 127.0.0.1:" + port + " within "
                + timeout + "; log " + log + ":\n" + output());
    }

    /** Whether the node answers PING within one second. */
    public boolean ping() {
        try {
            return "PONG".equals(Resp.call("127.0.0.1", port, password, Duration.ofMillis(1000),
                    List.of(List.of("PING"))));
        } catch (IOException | Resp.ErrorReply e) {
            return false;
        }
    }

    /** Runs one command on a fresh plain-text connection and returns the reply (see {@link RedisServer#command}). */
    public Object command(String... args) {
        try {
            return Resp.call("127.0.0.1", port, password, Duration.ofSeconds(2), List.of(List.of(args)));
        } catch (IOException e) {
            throw new UncheckedIOException(name + " at 127.0.0.1:" + port + " unreachable: " + e.getMessage(), e);
        } catch (Resp.ErrorReply e) {
            throw new IllegalStateException(name + " answered an error to " + args[0] + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** The plain-text port. */
    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Everything the node printed. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Kills the node with SIGKILL (no shutdown, no final flush) and waits until it is gone. */
    public void kill9() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " pid " + process.pid() + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while killing " + name, e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + ", 127.0.0.1:" + port + ", " + dir + "]";
    }

    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server", e);
        }
    }
}
