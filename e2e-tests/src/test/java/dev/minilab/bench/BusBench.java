package dev.minilab.bench;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Bus figures across two processes: publish → deliver latency of signed messages sent one at a time, and the
 * sustained rate of signed messages published by four threads, counted where they arrive; and the ceiling of the same
 * Redis from {@code redis-benchmark -t publish}.
 */
final class BusBench {

    static final int LATENCY_MESSAGES = 2_000;
    static final int THROUGHPUT_MESSAGES = 40_000;
    static final int PUBLISHERS = 4;

    record Result(Stats latency, double receivedPerSecond, double publishedPerSecond, String ceiling,
                  Crypto crypto) {
    }

    /**
     * CPU time of one thread per message: sealing (canonical bytes + Ed25519 sign) and verifying (canonical bytes +
     * Ed25519 verify, each message new so the verify-once memory never hits); and what two such costs allow per second
     * on all of this machine's processors if they did nothing else.
     */
    record Crypto(double sealMicros, double verifyMicros, int processors) {
        double limitPerSecond() {
            return processors * 1e6 / (sealMicros + verifyMicros);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "seal %.0f µs + verify %.0f µs CPU per message → at most %s msg/s on %d "
                    + "cores doing nothing else", sealMicros, verifyMicros, rate(limitPerSecond()), processors);
        }
    }

    static final int CRYPTO_MESSAGES = 2_000;

    /** Measures {@link Crypto} with the bench's keys (Architect_Zero signs, QA_Tester verifies), after a warm-up. */
    Crypto crypto() {
        var signer = dev.minilab.runtime.security.SignatureGuard.fromEnv(lab.keyEnv("Architect_Zero"),
                "Architect_Zero");
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double seal = 0;
        double verify = 0;
        for (int round = 0; round < 2; round++) { // the first round warms the JIT
            var verifier = dev.minilab.runtime.security.SignatureGuard.fromEnv(lab.keyEnv("QA_Tester"), "QA_Tester");
            List<Message> sealed = new ArrayList<>(CRYPTO_MESSAGES);
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < CRYPTO_MESSAGES; i++) {
                sealed.add(signer.seal(Message.chat("Architect_Zero", "thr " + i + " " + System.nanoTime())
                        .withSeq(i + 1)));
            }
            long sealedAt = threads.getCurrentThreadCpuTime();
            for (Message m : sealed) {
                if (!verifier.verifyAhead(m)) {
                    throw new IllegalStateException("a sealed message did not verify");
                }
            }
            long end = threads.getCurrentThreadCpuTime();
            seal = (sealedAt - start) / 1e3 / CRYPTO_MESSAGES;
            verify = (end - sealedAt) / 1e3 / CRYPTO_MESSAGES;
        }
        return new Crypto(seal, verify, Runtime.getRuntime().availableProcessors());
    }

    private final Lab lab;

    BusBench(Lab lab) {
        this.lab = lab;
    }

    Result run() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), BusReceiver.class.getName(),
                lab.redis.uri(), String.valueOf(LATENCY_MESSAGES), String.valueOf(THROUGHPUT_MESSAGES)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(lab.keyEnv("QA_Tester"));
        Crypto crypto = crypto();
        Process receiver = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                // logging before it subscribed
            }
            TeamBus publisher = lab.bus("Architect_Zero");
            try {
                for (int i = 0; i < 200; i++) { // warm the publishing path
                    publisher.publish(Message.chat("Architect_Zero", "warm " + i + " 0"));
                }
                for (int i = 0; i < LATENCY_MESSAGES; i++) {
                    publisher.publish(Message.chat("Architect_Zero", "lat " + i + " " + System.nanoTime()));
                    LockSupport.parkNanos(500_000);
                }
                AtomicInteger next = new AtomicInteger();
                long start = System.nanoTime();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < PUBLISHERS; t++) {
                    threads.add(Thread.ofPlatform().start(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < THROUGHPUT_MESSAGES) {
                            publisher.publish(Message.chat("Architect_Zero", "thr " + i + " " + System.nanoTime()));
                        }
                    }));
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                double published = THROUGHPUT_MESSAGES / ((System.nanoTime() - start) / 1e9);
                String result = null;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("RESULT ")) {
                        result = line;
                        break;
                    }
                }
                if (result == null) {
                    throw new IllegalStateException("the bus receiver ended without a result");
                }
                String[] f = result.split(" ");
                Stats latency = new Stats(Integer.parseInt(f[3]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.NaN);
                long count = Long.parseLong(f[4]);
                double received = count < 2 ? 0 : (count - 1) / ((Long.parseLong(f[6]) - Long.parseLong(f[5])) / 1e9);
                return new Result(latency, received, published, ceiling(), crypto);
            } finally {
                publisher.close();
            }
        } finally {
            receiver.destroy();
            receiver.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The ceiling of the same Redis: {@code redis-benchmark} sending PUBLISH (Redis 7.0's redis-benchmark has no
     * built-in {@code -t publish} test, so the command is given), 50 clients, 100,000 requests; or why it did not run.
     */
    private String ceiling() {
        try {
            Process p = new ProcessBuilder("redis-benchmark", "-h", lab.redis.host(), "-p",
                    String.valueOf(lab.redis.port()), "-n", "100000", "-q", "PUBLISH", "bench_ceiling", "hello")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            // progress lines end in \r; the result is the last line that names the rate
            return text.lines().flatMap(line -> java.util.Arrays.stream(line.split("\r")))
                    .filter(line -> line.contains("requests per second")).reduce((a, b) -> b)
                    .map(line -> "redis-benchmark " + line.strip())
                    .orElse("redis-benchmark printed no result: " + text.strip());
        } catch (IOException e) {
            return "redis-benchmark not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "redis-benchmark interrupted";
        }
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }
}
