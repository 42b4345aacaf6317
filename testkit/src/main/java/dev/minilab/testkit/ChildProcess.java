package dev.minilab.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A started child process whose stdout and stderr go to one log file, with helpers to wait for output and a
 * {@link #close()} that ends the whole process tree: descendants first, SIGTERM, then SIGKILL after a grace period.
 *
 * <p>Descendants that detach themselves (double fork, setsid + reparenting to init) are out of reach, as with any
 * process-tree kill; launchers should {@code exec} their final command.
 */
public final class ChildProcess implements AutoCloseable {

    /** Default time between SIGTERM and SIGKILL on close. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    private static final int TAIL_LINES = 40;
    private static final long POLL_MILLIS = 25;

    private final Process process;
    private final Path logFile;
    private final Duration grace;
    private final String name;

    private ChildProcess(Process process, Path logFile, Duration grace, String name) {
        this.process = process;
        this.logFile = logFile;
        this.grace = grace;
        this.name = name;
    }

    /** Starts {@code builder} with stdout and stderr appended to {@code logFile}; close grace {@link #DEFAULT_GRACE}. */
    public static ChildProcess start(ProcessBuilder builder, Path logFile) {
        return start(builder, logFile, DEFAULT_GRACE);
    }

    /**
     * Starts {@code builder} with stdout and stderr appended to {@code logFile} (parent dirs are created).
     *
     * @param grace how long close() waits after SIGTERM before SIGKILL
     * @throws UncheckedIOException if the process cannot be started
     */
    public static ChildProcess start(ProcessBuilder builder, Path logFile, Duration grace) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(grace, "grace");
        String name = String.join(" ", builder.command());
        try {
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            return new ChildProcess(builder.start(), logFile, grace, name);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Returns the underlying process (e.g. to write to its stdin). */
    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Returns everything the process printed so far. */
    public String output() {
        return readFrom(0);
    }

    /** Returns the last {@code lines} lines the process printed. */
    public String tail(int lines) {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Returns the current end of the log, to wait later only for output printed after this point. */
    public long mark() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the size of " + logFile, e);
        }
    }

    /**
     * Waits for a line of output containing {@code text} and returns that line.
     *
     * @throws ChildProcessException with the log tail if the process exits first or the timeout passes
     */
    public String awaitOutput(String text, Duration timeout) {
        return awaitOutputAfter(0, text, timeout);
    }

    /** Like {@link #awaitOutput} but looks only at output after {@code mark} (from {@link #mark()}). */
    public String awaitOutputAfter(long mark, String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            Optional<String> line = readFrom(mark).lines().filter(candidate -> candidate.contains(text)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (exited) {
                throw new ChildProcessException("'" + name + "' exited with code " + process.exitValue()
                        + " before printing '" + text + "'; " + logFile + " ends with:\n" + tail(TAIL_LINES));
            }
            if (System.nanoTime() > deadline) {
                throw new ChildProcessException("'" + name + "' did not print '" + text + "' within " + timeout
                        + "; " + logFile + " ends with:\n" + tail(TAIL_LINES));
            }
            sleep(POLL_MILLIS);
        }
    }

    /**
     * Waits for the process to exit and returns its exit code.
     *
     * @throws ChildProcessException with the log tail if it is still running after {@code timeout}
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ChildProcessException("'" + name + "' still runs after " + timeout + "; " + logFile
                        + " ends with:\n" + tail(TAIL_LINES));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChildProcessException("Interrupted while waiting for '" + name + "' to exit");
        }
    }

    /**
     * Ends the process and every descendant: SIGTERM to the descendants (deepest first) and then the process,
     * SIGKILL to whatever still runs after the grace period. Returns once the process has exited.
     */
    @Override
    public void close() {
        closeQuietly(process.getOutputStream());
        List<ProcessHandle> tree = treeDeepestFirst();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && tree.stream().anyMatch(ChildProcess::isRunning)) {
            sleep(POLL_MILLIS);
        }
        Set<ProcessHandle> survivors = new LinkedHashSet<>(treeDeepestFirst());
        tree.stream().filter(ChildProcess::isRunning).forEach(survivors::add);
        survivors.forEach(ProcessHandle::destroyForcibly);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new ChildProcessException("'" + name + "' (pid " + pid() + ") survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChildProcessException("Interrupted while stopping '" + name + "' (pid " + pid() + ")");
        }
    }

    /**
     * Returns whether {@code handle} is a process that still runs. Unlike {@link ProcessHandle#isAlive()} a zombie
     * (exited, not yet reaped, common for orphans in containers whose init reaps slowly) counts as not running.
     */
    public static boolean isRunning(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(handle.pid()), "stat");
        try {
            String content = Files.readString(stat, StandardCharsets.UTF_8);
            // Format: "pid (comm) S ..."; comm may contain spaces or parentheses, so use the last ')'.
            int close = content.lastIndexOf(')');
            char state = close >= 0 && close + 2 < content.length() ? content.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            // No /proc (not Linux) or the process vanished between the two checks.
            return handle.isAlive() && !Files.isDirectory(Path.of("/proc"));
        }
    }

    /** Returns the live descendants (deepest first) followed by the process itself. */
    private List<ProcessHandle> treeDeepestFirst() {
        ProcessHandle root = process.toHandle();
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.sort(Comparator.comparingInt((ProcessHandle handle) -> depth(handle, root)).reversed());
        tree.add(root);
        return tree;
    }

    private static int depth(ProcessHandle handle, ProcessHandle root) {
        int depth = 0;
        Optional<ProcessHandle> current = Optional.of(handle);
        while (current.isPresent() && !current.get().equals(root) && depth < 64) {
            current = current.get().parent();
            depth++;
        }
        return depth;
    }

    private String readFrom(long offset) {
        if (!Files.exists(logFile)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            if (offset >= length) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - offset)];
            file.seek(offset);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + logFile, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChildProcessException("Interrupted while waiting for a child process");
        }
    }

    private static void closeQuietly(java.io.OutputStream stdin) {
        try {
            stdin.close();
        } catch (IOException e) {
            // stdin of a dying process may already be broken; the kill below is what matters.
        }
    }

    @Override
    public String toString() {
        return "ChildProcess[pid " + pid() + ", " + name + ", log " + logFile + "]";
    }
}
