package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code redis-server} child process on a free loopback port, configured through a file in its data dir. */
final class RedisProcessBackend implements RedisBackend {

    private static final int BIND_ATTEMPTS = 3;
    private static final int TAIL_LINES = 30;

    private final String executable;
    private final Path dir;
    private final Path log;
    private final Path config;
    private final String password;
    private final Duration startupTimeout;
    private final int port;
    private Process process;

    private RedisProcessBackend(String executable, Path dir, int port, RedisServer.Options options) {
        this.executable = executable;
        this.dir = dir;
        this.log = dir.resolve("redis-server.log");
        this.config = dir.resolve("redis.conf");
        this.password = options.password();
        this.startupTimeout = options.startupTimeout();
        this.port = port;
    }

    /** Starts redis-server, retrying on another port when the chosen one was taken in the meantime. */
    static RedisProcessBackend start(String executable, Path dir, RedisServer.Options options) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            RedisProcessBackend backend = new RedisProcessBackend(executable, dir, FreePort.find(), options);
            try {
                backend.writeConfig(options);
                backend.launch();
                return backend;
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    private void writeConfig(RedisServer.Options options) {
        StringBuilder conf = new StringBuilder();
        conf.append("port ").append(port).append('\n');
        conf.append("bind 127.0.0.1\n");
        conf.append("save \"\"\n");
        conf.append("appendonly ").append(options.appendOnly() ? "yes" : "no").append('\n');
        conf.append("appendfsync ").append(options.appendFsync()).append('\n');
        conf.append("dir ").append(quote(dir.toString())).append('\n');
        conf.append("daemonize no\n");
        if (password != null) {
            conf.append("requirepass ").append(quote(password)).append('\n');
        }
        try {
            Files.writeString(config, conf.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + config, e);
        }
    }

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private void launch() {
        ProcessBuilder builder = new ProcessBuilder(executable, config.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + executable + ": " + e.getMessage()
                    + ". Install redis-server (e.g. apt-get install redis-server) or set REDIS_URL", e);
        }
        awaitPong();
    }

    private void awaitPong() {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = tail();
                if (tail.contains("Address already in use")) {
                    throw new PortTakenException("Port " + port + " was taken by another process (if this was a "
                            + "restart, something bound the port while Redis was down); log tail:\n" + tail);
                }
                throw new IllegalStateException("redis-server exited with code " + process.exitValue()
                        + " during startup on port " + port + "; log " + log + " ends with:\n" + tail);
            }
            if (answersPing()) {
                return;
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("redis-server did not answer PING on 127.0.0.1:" + port + " within "
                + startupTimeout + "; log " + log + " ends with:\n" + tail());
    }

    private boolean answersPing() {
        try {
            return "PONG".equals(Resp.call(host(), port, password, Duration.ofMillis(500),
                    List.of(List.of("PING"))));
        } catch (ConnectException e) {
            return false;
        } catch (IOException | Resp.ErrorReply e) {
            // Not ready yet (e.g. -LOADING while the AOF is replayed) or the socket was closed mid-reply.
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server", e);
        }
    }

    /** Returns the last lines redis-server printed. */
    String tail() {
        try {
            if (!Files.exists(log)) {
                return "(no output)";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void kill9() {
        Process current = process;
        if (current == null) {
            return;
        }
        // A background AOF rewrite child would keep files open; it dies with its parent.
        current.descendants().forEach(ProcessHandle::destroyForcibly);
        current.destroyForcibly();
        try {
            if (!current.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server pid " + current.pid() + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while killing redis-server", e);
        }
    }

    @Override
    public void restart() {
        kill9();
        launch();
    }

    @Override
    public String describe() {
        return "redis-server pid " + (process == null ? "-" : process.pid()) + " on 127.0.0.1:" + port
                + ", log " + log;
    }

    @Override
    public void close() {
        kill9();
    }

    /** The chosen port was bound by someone else between probing and binding. */
    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
