package dev.minilab.bench;

import dev.minilab.e2e.AgentJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One agent JVM started through the real launcher ({@code ./minilab agent <Role>}), its output copied to a log file,
 * the moment it printed {@code <Role> ready} noted. Closing sends SIGTERM, then SIGKILL after 10 s.
 */
final class AgentProcess implements AutoCloseable {

    private final String role;
    private final Process process;
    private final long startedNanos;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final List<String> tail = new ArrayList<>();
    private volatile long readyNanos;

    private AgentProcess(String role, Process process, long startedNanos, Path log) {
        this.role = role;
        this.process = process;
        this.startedNanos = startedNanos;
        Thread reader = new Thread(() -> copy(log), "bench-out-" + role);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code ./minilab agent role} in {@code workspace} with only {@code env} added to a clean environment
     * ({@link AgentJvm}); the output is read here, line by line, so the moment of the ready line is exact.
     */
    static AgentProcess start(Path workspace, String role, Map<String, String> env) {
        ProcessBuilder builder = AgentJvm.throughLauncher(role, workspace, env).redirectErrorStream(true);
        try {
            Path log = workspace.resolve("logs").resolve(role + ".log");
            Files.createDirectories(log.getParent());
            long started = System.nanoTime();
            return new AgentProcess(role, builder.start(), started, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the launcher for " + role, e);
        }
    }

    private void copy(Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            String line;
            String readyLine = role + " ready";
            while ((line = in.readLine()) != null) {
                if (readyNanos == 0 && line.startsWith(readyLine)) {
                    readyNanos = System.nanoTime();
                    ready.countDown();
                }
                synchronized (tail) {
                    tail.add(line);
                    if (tail.size() > 30) {
                        tail.removeFirst();
                    }
                }
                out.println(line);
                out.flush();
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    String role() {
        return role;
    }

    long pid() {
        return process.pid();
    }

    /** Waits until the agent said it listens; returns the time from the launcher's start to that line. */
    Duration awaitReady(Duration timeout) throws InterruptedException {
        if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(role + " did not say ready within " + timeout + "; alive="
                    + process.isAlive() + "; last output:\n" + tail());
        }
        return Duration.ofNanos(readyNanos - startedNanos);
    }

    String tail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    /** Resident set size of the JVM in MB (the launcher execs java, so this pid is the JVM's). */
    double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /**
     * Proportional set size in MB: like RSS, but pages shared with other processes (the class-data/AOT cache file
     * mapped by all four agents, the JDK's own archive) are divided among them.
     */
    double pssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** Process ids of every live descendant of the JVM (tool process trees). */
    List<Long> descendants() {
        return process.toHandle().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
