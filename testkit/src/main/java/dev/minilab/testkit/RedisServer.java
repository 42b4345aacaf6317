package dev.minilab.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis server for one test (class): a testcontainers-redis container when a local Docker engine answers, else a
 * {@code redis-server} child process on a free loopback port, else the server named by {@code REDIS_URL}.
 *
 * <p>The process backend writes a {@code redis.conf} and {@code redis-server.log} into its data dir (a temp dir
 * unless {@link Options#dataDir()} is given). A server from {@code REDIS_URL} may be shared with other tests: use
 * {@link #namespace()} as a prefix for every key and channel. Closing kills the server and deletes the temp dir.
 */
public final class RedisServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);

    /** How the server is provided. */
    public enum Kind {
        /** A testcontainers-redis container on a local Docker engine. */
        CONTAINER,
        /** A {@code redis-server} child process of this JVM. */
        PROCESS,
        /** The server named by {@code REDIS_URL}; not owned, cannot be killed or restarted. */
        EXTERNAL
    }

    /**
     * How to start the server.
     *
     * @param appendOnly     turn the AOF on ({@code appendonly yes}) so data survives {@link #kill9()} + restart
     * @param appendFsync    AOF fsync policy: always, everysec or no
     * @param dataDir        the data dir to use and keep; null means a temp dir deleted on close
     * @param password       {@code requirepass}; null means no password
     * @param strategies     backends to try, in order
     * @param environment    where {@code PATH}, {@code DOCKER_HOST} and {@code REDIS_URL} are read from
     * @param startupTimeout how long to wait for PING to answer
     * @param containerImage the pinned image for the container backend
     */
    public record Options(boolean appendOnly, String appendFsync, Path dataDir, String password,
                          List<Kind> strategies, Map<String, String> environment, Duration startupTimeout,
                          String containerImage) {

        public static final String DEFAULT_APPEND_FSYNC = "everysec";
        public static final List<Kind> DEFAULT_STRATEGIES = List.of(Kind.CONTAINER, Kind.PROCESS, Kind.EXTERNAL);
        public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);
        public static final String DEFAULT_CONTAINER_IMAGE = "redis:7.2.5";

        public Options {
            Objects.requireNonNull(appendFsync, "appendFsync");
            if (!List.of("always", "everysec", "no").contains(appendFsync)) {
                throw new IllegalArgumentException("appendFsync must be always, everysec or no, got " + appendFsync);
            }
            if (password != null && (password.isEmpty() || password.contains("\n"))) {
                throw new IllegalArgumentException("password must be non-empty and single-line");
            }
            strategies = List.copyOf(strategies);
            if (strategies.isEmpty()) {
                throw new IllegalArgumentException("strategies must name at least one Kind");
            }
            environment = Map.copyOf(environment);
            Objects.requireNonNull(startupTimeout, "startupTimeout");
            Objects.requireNonNull(containerImage, "containerImage");
        }

        /** Returns no AOF, no password, a temp dir, every strategy, this process's environment. */
        public static Options defaults() {
            return new Options(false, DEFAULT_APPEND_FSYNC, null, null, DEFAULT_STRATEGIES, System.getenv(),
                    DEFAULT_STARTUP_TIMEOUT, DEFAULT_CONTAINER_IMAGE);
        }

        public Options withAppendOnly(boolean value) {
            return new Options(value, appendFsync, dataDir, password, strategies, environment, startupTimeout,
                    containerImage);
        }

        public Options withAppendFsync(String value) {
            return new Options(appendOnly, value, dataDir, password, strategies, environment, startupTimeout,
                    containerImage);
        }

        public Options withDataDir(Path value) {
            return new Options(appendOnly, appendFsync, value, password, strategies, environment, startupTimeout,
                    containerImage);
        }

        public Options withPassword(String value) {
            return new Options(appendOnly, appendFsync, dataDir, value, strategies, environment, startupTimeout,
                    containerImage);
        }

        public Options withStrategies(Kind... value) {
            return new Options(appendOnly, appendFsync, dataDir, password, List.of(value), environment,
                    startupTimeout, containerImage);
        }

        public Options withEnvironment(Map<String, String> value) {
            return new Options(appendOnly, appendFsync, dataDir, password, strategies, value, startupTimeout,
                    containerImage);
        }

        public Options withStartupTimeout(Duration value) {
            return new Options(appendOnly, appendFsync, dataDir, password, strategies, environment, value,
                    containerImage);
        }

        public Options withContainerImage(String value) {
            return new Options(appendOnly, appendFsync, dataDir, password, strategies, environment, startupTimeout,
                    value);
        }
    }

    private final Kind kind;
    private final RedisBackend backend;
    private final String password;
    private final Path tempDir;
    private final String namespace = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";

    private RedisServer(Kind kind, RedisBackend backend, String password, Path tempDir) {
        this.kind = kind;
        this.backend = backend;
        this.password = password;
        this.tempDir = tempDir;
    }

    /** Starts a server with {@link Options#defaults()}. */
    public static RedisServer start() {
        return start(Options.defaults());
    }

    /**
     * Starts a server with the first strategy that works and waits until it answers PING.
     *
     * @throws IllegalStateException naming why each strategy was skipped or failed
     */
    public static RedisServer start(Options options) {
        List<String> reasons = new ArrayList<>();
        for (Kind kind : options.strategies()) {
            try {
                RedisServer server = switch (kind) {
                    case CONTAINER -> startContainer(options, reasons);
                    case PROCESS -> startProcess(options, reasons);
                    case EXTERNAL -> useExternal(options, reasons);
                };
                if (server != null) {
                    LOG.debug("Redis for test: {}", server.backend.describe());
                    return server;
                }
            } catch (RuntimeException e) {
                if (options.strategies().size() == 1) {
                    throw e;
                }
                LOG.warn("Redis {} backend failed, trying the next one: {}", kind, e.getMessage());
                reasons.add(kind + ": failed: " + e.getMessage());
            }
        }
        throw new IllegalStateException("No Redis server for the test. Install redis-server on PATH, start a local "
                + "Docker engine, or set REDIS_URL. Tried: " + String.join("; ", reasons));
    }

    private static RedisServer startContainer(Options options, List<String> reasons) {
        String endpoint = DockerProbe.endpoint(options.environment());
        if (!DockerProbe.answers(endpoint)) {
            reasons.add("CONTAINER: no local Docker engine answered at " + endpoint);
            return null;
        }
        return new RedisServer(Kind.CONTAINER, RedisContainerBackend.start(options), options.password(), null);
    }

    private static RedisServer startProcess(Options options, List<String> reasons) {
        String executable = findOnPath("redis-server", options.environment().get("PATH"));
        if (executable == null) {
            reasons.add("PROCESS: no redis-server on PATH");
            return null;
        }
        Path tempDir = null;
        Path dir = options.dataDir();
        try {
            if (dir == null) {
                tempDir = Files.createTempDirectory("minilab-redis-");
                dir = tempDir;
            } else {
                Files.createDirectories(dir);
            }
            RedisBackend backend = RedisProcessBackend.start(executable, dir.toAbsolutePath(), options);
            return new RedisServer(Kind.PROCESS, backend, options.password(), tempDir);
        } catch (IOException e) {
            deleteQuietlyOnFailure(tempDir, e);
            throw new UncheckedIOException("Could not prepare the Redis data dir " + dir, e);
        } catch (RuntimeException e) {
            deleteQuietlyOnFailure(tempDir, e);
            throw e;
        }
    }

    private static RedisServer useExternal(Options options, List<String> reasons) {
        String url = options.environment().get("REDIS_URL");
        if (url == null || url.isBlank()) {
            reasons.add("EXTERNAL: REDIS_URL is not set");
            return null;
        }
        if (options.appendOnly() || options.dataDir() != null || options.password() != null) {
            reasons.add("EXTERNAL: REDIS_URL cannot honour appendOnly, dataDir or password options");
            return null;
        }
        RedisExternalBackend backend = new RedisExternalBackend(url.trim());
        return new RedisServer(Kind.EXTERNAL, backend, backend.password(), null);
    }

    private static String findOnPath(String name, String path) {
        if (path == null) {
            return null;
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry, name))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst()
                .orElse(null);
    }

    /** Returns how this server is provided. */
    public Kind kind() {
        return kind;
    }

    /** Returns the host clients connect to (127.0.0.1 unless {@code REDIS_URL} says otherwise). */
    public String host() {
        return backend.host();
    }

    /** Returns the TCP port clients connect to; it stays the same across {@link #restart()}. */
    public int port() {
        return backend.port();
    }

    /** Returns the password ({@code requirepass}), or null when the server has none. */
    public String password() {
        return password;
    }

    /** Returns {@code redis://[:password@]host:port} with the password percent-encoded (lettuce's URI form). */
    public String uri() {
        if (backend instanceof RedisExternalBackend external) {
            return external.url();
        }
        // URLEncoder is form encoding; a URI's user info wants %20 for a space, not '+'.
        String auth = password == null ? ""
                : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20") + "@";
        return "redis://" + auth + host() + ":" + port();
    }

    /** Returns a key and channel prefix unique to this fixture instance, e.g. {@code t1a2b3c4d:}. */
    public String namespace() {
        return namespace;
    }

    /** Returns whether {@link #kill9()} and {@link #restart()} are possible (not for {@code REDIS_URL}). */
    public boolean canRestart() {
        return kind != Kind.EXTERNAL;
    }

    /** Returns whether the server answers PING (authenticating with the password) within one second. */
    public boolean ping() {
        try {
            return "PONG".equals(command("PING"));
        } catch (UncheckedIOException | Resp.ErrorReply e) {
            return false;
        }
    }

    /**
     * Runs one command on a fresh connection (authenticated with the password) and returns the reply.
     *
     * @return a String (simple or bulk string), Long (integer), List (array) or null (nil)
     * @throws IllegalStateException on an error reply; {@link UncheckedIOException} if the server is unreachable
     */
    public Object command(String... args) {
        try {
            return Resp.call(host(), port(), password, Duration.ofSeconds(1), List.of(List.of(args)));
        } catch (IOException e) {
            throw new UncheckedIOException("Redis at " + host() + ":" + port() + " unreachable: " + e.getMessage(), e);
        } catch (Resp.ErrorReply e) {
            throw new IllegalStateException("Redis answered an error to " + args[0] + ": " + e.getMessage(), e);
        }
    }

    /** Kills the server with SIGKILL (no shutdown, no final AOF flush); its port refuses connections afterwards. */
    public void kill9() {
        backend.kill9();
    }

    /**
     * Starts the server again on the same port with the same data dir, so AOF data survives; a running server is
     * killed first. Returns once PING answers.
     */
    public void restart() {
        backend.restart();
    }

    /** Kills the server and deletes its temp dir (a caller-given data dir is kept). */
    @Override
    public void close() {
        try {
            backend.close();
        } finally {
            if (tempDir != null) {
                Dirs.deleteRecursively(tempDir);
            }
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + kind + ", " + backend.describe() + "]";
    }

    private static void deleteQuietlyOnFailure(Path dir, Exception cause) {
        if (dir == null) {
            return;
        }
        try {
            Dirs.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            cause.addSuppressed(e);
        }
    }
}
