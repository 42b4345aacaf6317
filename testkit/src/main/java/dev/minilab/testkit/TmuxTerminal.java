package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command in a real pseudo-terminal, as a user runs it: a tmux server on its own socket ({@code tmux -L}), so no
 * other tmux server is touched; the server (and what runs in its panes) is killed on close. Keys typed here (Enter,
 * Ctrl-C) reach the foreground process group of the pane exactly as on a user's terminal. Used for the launcher and
 * console in e2e-tests and for {@code podman attach user-console} in container-tests.
 */
public final class TmuxTerminal implements AutoCloseable {

    /** The default window size. */
    public static final int WIDTH = 140;
    public static final int HEIGHT = 45;

    /** Names unset before the command runs, so the developer's own settings never leak into a test's terminal. */
    private static final List<String> UNSET = List.of("OPENAI_API_KEY", "OPENAI_API_BASE", "REDIS_HOST", "REDIS_PORT",
            "REDIS_PASSWORD", "REDIS_USERNAME", "REDIS_URL", "LLM_MODEL", "MINILAB_WORKSPACE", "MINILAB_PRIVATE_KEY",
            "MINILAB_PUBLIC_KEYS", "MINILAB_KEYS_DIR", "MINILAB_KEY_PREFIX", "TMUX");
    private static final int SCROLLBACK = 500;

    private final String socket = "minilab-test-" + UUID.randomUUID().toString().substring(0, 8);

    private TmuxTerminal() {
    }

    /** {@link #start(Path, Map, List, int, int)} in a {@link #WIDTH}x{@link #HEIGHT} window. */
    public static TmuxTerminal start(Path dir, Map<String, String> env, List<String> command) {
        return start(dir, env, command, WIDTH, HEIGHT);
    }

    /**
     * Runs {@code command} in {@code dir} with this JVM's environment minus MiniLab's own names plus {@code env}, in a
     * {@code width}x{@code height} window named {@code main}; the pane stays after the command ends (see
     * {@link #exited()}). The start script is written to {@code dir}.
     */
    public static TmuxTerminal start(Path dir, Map<String, String> env, List<String> command, int width, int height) {
        TmuxTerminal tmux = new TmuxTerminal();
        try {
            tmux.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", String.valueOf(width),
                    "-y", String.valueOf(height), "-n", "main", script(dir, env, command, "run-main.sh").toString(),
                    ";", "set-option", "-t", "t", "remain-on-exit", "on");
            return tmux;
        } catch (IOException | RuntimeException e) {
            tmux.close();
            throw new IllegalStateException("could not start tmux for " + command, e);
        }
    }

    /** Runs {@code command} in a second window (another terminal of the same user), waits for it to end. */
    public String runInOtherTerminal(Path dir, Map<String, String> env, List<String> command, Duration timeout)
            throws IOException {
        Path out = dir.resolve("other-terminal.out");
        Files.deleteIfExists(out);
        List<String> redirected = new ArrayList<>(List.of("sh", "-c",
                "\"$@\" >" + out + " 2>&1; echo \"rc=$?\" >>" + out, "sh"));
        redirected.addAll(command);
        tmux("new-window", "-d", "-t", "t", "-n", "other", script(dir, env, redirected, "run-other.sh").toString());
        poll("the other terminal's command to end", () -> Files.exists(out) && Files.readString(out).contains("rc="),
                timeout);
        return Files.readString(out);
    }

    private static Path script(Path dir, Map<String, String> env, List<String> command, String name)
            throws IOException {
        StringBuilder sh = new StringBuilder("#!/bin/sh\n");
        UNSET.forEach(n -> sh.append("unset ").append(n).append('\n'));
        new TreeMap<>(env).forEach((k, v) -> sh.append("export ").append(k).append('=').append(quote(v)).append('\n'));
        sh.append("cd ").append(quote(dir.toString())).append('\n');
        sh.append("exec");
        command.forEach(part -> sh.append(' ').append(quote(part)));
        sh.append('\n');
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Files.writeString(file, sh.toString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The main window's screen plus its scrollback, without escape sequences. */
    public String text() {
        return capture(false);
    }

    /** {@link #text()} with lines the terminal wrapped joined again (for long lines checked as one). */
    public String joinedText() {
        return capture(true);
    }

    private String capture(boolean joined) {
        List<String> args = new ArrayList<>(List.of("capture-pane", "-p"));
        if (joined) {
            args.add("-J");
        }
        args.addAll(List.of("-S", "-" + SCROLLBACK, "-t", "t:main"));
        try {
            return tmux(args.toArray(String[]::new)).replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "");
        } catch (IOException e) {
            throw new UncheckedIOException("tmux capture-pane failed", e);
        }
    }

    /** The last non-empty line of the main window (where the console's status bar lives). */
    public String lastLine() {
        List<String> lines = text().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    /** Types {@code text} literally, without Enter. */
    public void typeWithoutEnter(String text) {
        send("send-keys", "-t", "t:main", "-l", text);
    }

    /** Types {@code line} literally and presses Enter. */
    public void type(String line) {
        typeWithoutEnter(line);
        keys("Enter");
    }

    /** Presses keys by tmux name ({@code C-c}, {@code Enter}, {@code Up}). */
    public void keys(String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "t:main"));
        args.addAll(List.of(keys));
        send(args.toArray(String[]::new));
    }

    private void send(String... args) {
        try {
            tmux(args);
        } catch (IOException e) {
            throw new UncheckedIOException("tmux " + args[0] + " failed", e);
        }
    }

    /** Waits until the (joined) screen meets {@code condition}; the error shows the screen. */
    public void awaitScreen(Predicate<String> condition, Duration timeout) {
        awaitScreen("the expected state", condition, timeout);
    }

    /** Waits until the (joined) screen meets {@code condition}; the error names {@code description}. */
    public void awaitScreen(String description, Predicate<String> condition, Duration timeout) {
        try {
            poll(description, () -> condition.test(text()) || condition.test(joinedText()), timeout);
        } catch (AssertionError e) {
            throw new AssertionError("the terminal did not show " + description + " within " + timeout
                    + "; it shows:\n" + text(), e);
        }
    }

    /** Waits until {@code text} is on the screen (also when the terminal wrapped it). */
    public void awaitText(String text, Duration timeout) {
        awaitScreen("'" + text + "'", s -> s.contains(text), timeout);
    }

    /** Whether the main window's process has ended (tmux keeps the dead pane: remain-on-exit). */
    public boolean exited() {
        try {
            return tmux("display-message", "-p", "-t", "t:main", "#{pane_dead}").strip().equals("1");
        } catch (IOException e) {
            return true;
        }
    }

    private interface Check {
        boolean met() throws Exception;
    }

    private static void poll(String description, Check check, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (check.met()) {
                    return;
                }
            } catch (Exception e) {
                // not yet (e.g. the file is being written): try again until the deadline
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(description + " not reached within " + timeout);
            }
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + description, e);
            }
        }
    }

    private String tmux(String... args) throws IOException {
        return tmuxOn(socket, args);
    }

    private static String tmuxOn(String socket, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running tmux", e);
        }
        return out;
    }

    /** Kills this terminal's tmux server (and what runs in it); never another tmux server. */
    @Override
    public void close() {
        killServer(socket);
    }

    /**
     * Kills the tmux server on socket {@code socket} ({@code tmux -L}; never another tmux server) and waits up to 30 s
     * until what ran in its panes has ended: {@code kill-server} only sends SIGHUP, and a process still shutting down
     * (a JVM writing its log) in the test's directory made JUnit fail to delete the test's {@code @TempDir}.
     */
    public static void killServer(String socket) {
        try {
            List<ProcessHandle> inPanes = paneProcesses(socket);
            Process p = new ProcessBuilder("tmux", "-L", socket, "kill-server").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            ProcessEnds.await(inPanes, Duration.ofSeconds(30));
        } catch (IOException e) {
            System.err.println("tmux kill-server failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What runs in a server's panes (each pane's process and its descendants); none once the server is gone. */
    private static List<ProcessHandle> paneProcesses(String socket) {
        try {
            List<ProcessHandle> all = new ArrayList<>();
            for (String pid : tmuxOn(socket, "list-panes", "-a", "-F", "#{pane_pid}").strip().split("\\s+")) {
                if (!pid.isEmpty()) {
                    all.addAll(ProcessEnds.treeOf(Long.parseLong(pid)));
                }
            }
            return all;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
