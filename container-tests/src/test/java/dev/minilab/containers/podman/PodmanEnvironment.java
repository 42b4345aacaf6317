package dev.minilab.containers.podman;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A project-local Podman setup: {@code containers.conf}, {@code storage.conf} and {@code registries.conf} in a cache
 * folder (default {@code ~/.cache/minilab/container-test}, or {@code MINILAB_CONTAINER_CACHE}), handed to podman
 * through {@code CONTAINERS_CONF}, {@code CONTAINERS_STORAGE_CONF} and {@code CONTAINERS_REGISTRIES_CONF}. The
 * machine's {@code /etc/containers} is never written. Settings are those this machine needs: rootful podman with
 * {@code runc}, {@code cgroupfs}, netavark, explicit ulimits below the machine's hard limits, and no registry to
 * search for short image names. Images and build caches stay in the cache folder between runs; run-time state lives
 * under {@code /run/minilab-container-test/}.
 */
public final class PodmanEnvironment {

    /** Environment variable naming the cache folder. */
    public static final String CACHE_VARIABLE = "MINILAB_CONTAINER_CACHE";
    /** Environment variable: {@code skip} skips the container test, {@code required} turns a skip into a failure. */
    public static final String MODE_VARIABLE = "MINILAB_CONTAINER_TEST";

    private static final long WANTED_NOFILE = 8192;
    private static final long WANTED_NPROC = 8192;

    private final Path cache;
    private final Map<String, String> env;
    private final List<String> ulimits;

    private PodmanEnvironment(Path cache, Map<String, String> env, List<String> ulimits) {
        this.cache = cache;
        this.env = env;
        this.ulimits = ulimits;
    }

    /**
     * Returns why the container test cannot run here, or empty when it can: Linux, root, and podman, runc,
     * debootstrap, iptables and tmux on the PATH (.ci/run installs them).
     */
    public static Optional<String> whyUnusable(Map<String, String> processEnv) {
        if ("skip".equalsIgnoreCase(processEnv.getOrDefault(MODE_VARIABLE, ""))) {
            return Optional.of(MODE_VARIABLE + "=skip is set");
        }
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("not Linux (" + System.getProperty("os.name") + ")");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("not root: the container test builds its base image with debootstrap and runs "
                    + "rootful podman; run it as root (.ci/run does)");
        }
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("podman", "runc", "debootstrap", "iptables", "tmux")) {
            if (which(tool, processEnv).isEmpty()) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            return Optional.of(String.join(", ", missing) + " not on the PATH (apt-get install -y podman runc "
                    + "iptables debootstrap tmux; .ci/run does)");
        }
        return Optional.empty();
    }

    /** Writes the configuration files into the cache folder (created when missing) and returns the setup. */
    public static PodmanEnvironment prepare(Map<String, String> processEnv) {
        Path cache = cacheFolder(processEnv);
        String id = HexFormat.of().formatHex(sha256(cache.toString())).substring(0, 12);
        Path run = Path.of("/run/minilab-container-test", id);
        List<String> ulimits = List.of(
                "nproc=" + below("Max processes", WANTED_NPROC) + ":" + below("Max processes", WANTED_NPROC),
                "nofile=" + below("Max open files", WANTED_NOFILE) + ":" + below("Max open files", WANTED_NOFILE));
        try {
            Files.createDirectories(cache.resolve("networks"));
            Files.createDirectories(cache.resolve("tmp"));
            Files.createDirectories(run.resolve("tmp"));
            write(cache.resolve("containers.conf"), """
                    # Written by the MiniLab container test (PodmanEnvironment); the machine's config is untouched.
                    [containers]
                    default_ulimits = [%s]
                    log_driver = "k8s-file"

                    [engine]
                    runtime = "runc"
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"
                    events_logfile_path = "%s"
                    tmp_dir = "%s"

                    [network]
                    network_backend = "netavark"
                    network_config_dir = "%s"
                    """.formatted(String.join(", ", ulimits.stream().map(u -> "\"" + u + "\"").toList()),
                    cache.resolve("events.log"), run.resolve("tmp"), cache.resolve("networks")));
            write(cache.resolve("storage.conf"), """
                    # Written by the MiniLab container test (PodmanEnvironment).
                    [storage]
                    driver = "overlay"
                    graphroot = "%s"
                    runroot = "%s"
                    """.formatted(cache.resolve("storage"), run.resolve("storage")));
            write(cache.resolve("registries.conf"), """
                    # Written by the MiniLab container test: no registry is searched for short names, so an image
                    # that is not built locally fails at once instead of waiting on an unreachable registry.
                    unqualified-search-registries = []
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the podman configuration under " + cache, e);
        }
        Map<String, String> env = Map.of(
                "CONTAINERS_CONF", cache.resolve("containers.conf").toString(),
                "CONTAINERS_STORAGE_CONF", cache.resolve("storage.conf").toString(),
                "CONTAINERS_REGISTRIES_CONF", cache.resolve("registries.conf").toString(),
                // Buildah keeps RUN --mount=type=cache folders under TMPDIR: the Maven cache survives in the cache.
                "TMPDIR", cache.resolve("tmp").toString());
        return new PodmanEnvironment(cache, env, ulimits);
    }

    /** The folder holding configuration, image storage, build caches and logs of earlier runs. */
    public Path cache() {
        return cache;
    }

    /** {@code nproc=N:N} and {@code nofile=N:N}, for {@code --ulimit} on run and build. */
    public List<String> ulimits() {
        return ulimits;
    }

    /** The variables that point podman at this configuration. */
    public Map<String, String> env() {
        return env;
    }

    /** A podman runner that logs every command to {@code log}. */
    public Podman podman(Path log) {
        return new Podman(env, log);
    }

    /**
     * Takes the cache's exclusive lock (container names, the image tag and the network are per cache): another
     * worktree's container test waits here until this one ends. Closing the channel releases it.
     */
    public FileLock lock(Duration patience) {
        try {
            FileChannel channel = FileChannel.open(cache.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + patience.toNanos();
            boolean told = false;
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
                if (!told) {
                    System.out.println("container test: waiting for " + cache.resolve("lock")
                            + " (another container test is using this cache)");
                    told = true;
                }
                if (System.nanoTime() > deadline) {
                    channel.close();
                    throw new PodmanException("another container test held " + cache.resolve("lock") + " for more "
                            + "than " + patience + "; set " + CACHE_VARIABLE + " to a separate folder to run both");
                }
                Thread.sleep(1000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + cache.resolve("lock"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PodmanException("interrupted while waiting for the container-test lock");
        }
    }

    private static Path cacheFolder(Map<String, String> processEnv) {
        String explicit = processEnv.get(CACHE_VARIABLE);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath();
        }
        String xdg = processEnv.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("minilab").resolve("container-test").toAbsolutePath();
    }

    /** The wanted limit, or the hard limit of this process when that is lower (higher ones are refused). */
    private static long below(String limitName, long wanted) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith(limitName)) {
                    String[] words = line.substring(limitName.length()).trim().split("\\s+");
                    return words[1].equals("unlimited") ? wanted : Math.min(wanted, Long.parseLong(words[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Math.min(wanted, 1024);
        }
        return Math.min(wanted, 1024);
    }

    private static Optional<Path> which(String tool, Map<String, String> processEnv) {
        String path = processEnv.getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
