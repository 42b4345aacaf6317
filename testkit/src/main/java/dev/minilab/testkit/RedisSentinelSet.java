package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A Redis Sentinel set-up for one test: a master, one replica and three sentinels ({@code redis-server --sentinel}),
 * all child processes on free loopback ports, sharing one password. Data nodes run with AOF and
 * {@code appendfsync always}; sentinels declare the master down after {@link Options#downAfter()} (1 s by default,
 * so a failover takes a few seconds rather than Sentinel's default 30+). Closing kills every process and deletes
 * the temp dir.
 */
public final class RedisSentinelSet implements AutoCloseable {

    /** The master name the sentinels monitor. */
    public static final String MASTER_NAME = "minilab";

    /**
     * @param password       password of the data nodes and the sentinels ({@code requirepass}, {@code masterauth},
     *                       {@code sentinel auth-pass}, {@code sentinel sentinel-pass})
     * @param downAfter      Sentinel's {@code down-after-milliseconds}
     * @param failoverTimeout Sentinel's {@code failover-timeout}
     */
    public record Options(String password, Duration downAfter, Duration failoverTimeout) {
        public Options {
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(downAfter, "downAfter");
            Objects.requireNonNull(failoverTimeout, "failoverTimeout");
        }

        public static Options defaults() {
            return new Options("sentinel-test-pw", Duration.ofSeconds(1), Duration.ofSeconds(10));
        }
    }

    private final Path dir;
    private final Options options;
    private final List<RedisNode> dataNodes;
    private final List<RedisNode> sentinels;

    private RedisSentinelSet(Path dir, Options options, List<RedisNode> dataNodes, List<RedisNode> sentinels) {
        this.dir = dir;
        this.options = options;
        this.dataNodes = dataNodes;
        this.sentinels = sentinels;
    }

    /** Starts master, replica (synchronised) and three sentinels that all know both, then returns. */
    public static RedisSentinelSet start(Options options) {
        Path dir;
        try {
            dir = Files.createTempDirectory("minilab-sentinel-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temp dir", e);
        }
        List<RedisNode> data = new ArrayList<>();
        List<RedisNode> sentinels = new ArrayList<>();
        RedisSentinelSet set = new RedisSentinelSet(dir, options, data, sentinels);
        try {
            String pw = RedisNode.quote(options.password());
            String common = "appendonly yes\nappendfsync always\nsave \"\"\nrequirepass " + pw + "\nmasterauth " + pw
                    + "\nreplica-announce-ip 127.0.0.1\n";
            RedisNode master = RedisNode.start(dir, "master", port -> common, false, options.password(),
                    Duration.ofSeconds(15));
            data.add(master);
            data.add(RedisNode.start(dir, "replica", port -> common + "replicaof 127.0.0.1 " + master.port() + "\n",
                    false, options.password(), Duration.ofSeconds(15)));
            set.awaitReplicaInSync(master, Duration.ofSeconds(30));
            for (int i = 1; i <= 3; i++) {
                sentinels.add(RedisNode.start(dir, "sentinel-" + i, port -> "requirepass " + pw + "\n"
                        + "sentinel resolve-hostnames no\n"
                        + "sentinel announce-ip 127.0.0.1\n"
                        + "sentinel sentinel-pass " + pw + "\n"
                        + "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2\n"
                        + "sentinel auth-pass " + MASTER_NAME + " " + pw + "\n"
                        + "sentinel down-after-milliseconds " + MASTER_NAME + " " + options.downAfter().toMillis() + "\n"
                        + "sentinel failover-timeout " + MASTER_NAME + " " + options.failoverTimeout().toMillis() + "\n"
                        + "sentinel parallel-syncs " + MASTER_NAME + " 1\n",
                        true, options.password(), Duration.ofSeconds(15)));
            }
            set.awaitSentinelsKnowEachOther(Duration.ofSeconds(60));
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    private void awaitReplicaInSync(RedisNode master, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String info = String.valueOf(master.command("INFO", "replication"));
            if (info.contains("connected_slaves:1") && info.contains("state=online")) {
                return;
            }
            sleep(50);
        }
        throw new IllegalStateException("The replica did not come online within " + timeout + "; logs in " + dir);
    }

    /** Waits until every sentinel sees the replica and the two other sentinels (needed to agree on a failover). */
    private void awaitSentinelsKnowEachOther(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ready = sentinels.stream().allMatch(s -> {
                Object master = s.command("SENTINEL", "MASTER", MASTER_NAME);
                String text = String.valueOf(master);
                return text.matches("(?s).*num-other-sentinels, 2,.*") && text.matches("(?s).*num-slaves, 1,.*");
            });
            if (ready) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("The sentinels did not discover each other and the replica within " + timeout
                + "; logs in " + dir);
    }

    /** {@code redis-sentinel://:password@127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3#minilab} (Lettuce's form). */
    public String uri() {
        return "redis-sentinel://:" + options.password() + "@" + sentinels.stream()
                .map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(",")) + "#" + MASTER_NAME;
    }

    /** The port of the master as the first sentinel that answers reports it. */
    public int masterPort() {
        for (RedisNode sentinel : sentinels) {
            try {
                Object reply = sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
                if (reply instanceof List<?> address && address.size() == 2) {
                    return Integer.parseInt(String.valueOf(address.get(1)));
                }
            } catch (RuntimeException e) {
                // try the next sentinel
            }
        }
        throw new IllegalStateException("No sentinel names a master for " + MASTER_NAME + "; logs in " + dir);
    }

    /** The data node that is master now (per the sentinels). */
    public RedisNode master() {
        int port = masterPort();
        return dataNodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("No data node on master port " + port));
    }

    public List<RedisNode> dataNodes() {
        return List.copyOf(dataNodes);
    }

    public List<RedisNode> sentinels() {
        return List.copyOf(sentinels);
    }

    public String password() {
        return options.password();
    }

    /** Where the logs and configs are. */
    public Path dir() {
        return dir;
    }

    /**
     * Waits until the sentinels name a master other than {@code oldPort} and that node answers as a master; returns
     * its port.
     */
    public int awaitNewMaster(int oldPort, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                int port = masterPort();
                if (port != oldPort) {
                    RedisNode node = dataNodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
                    if (String.valueOf(node.command("ROLE")).startsWith("[master")) {
                        return port;
                    }
                }
            } catch (RuntimeException e) {
                // not yet
            }
            sleep(50);
        }
        throw new IllegalStateException("No new master within " + timeout + "; sentinel log:\n"
                + sentinels.get(0).output());
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        List<RedisNode> all = new ArrayList<>(sentinels);
        all.addAll(dataNodes);
        for (RedisNode node : all) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        Dirs.deleteRecursively(dir);
        if (failure != null) {
            throw failure;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
