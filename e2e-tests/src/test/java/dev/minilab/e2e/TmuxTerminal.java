package dev.minilab.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
 * A command in a real pseudo-terminal: a tmux server on its own socket ({@code tmux -L}), so no other tmux server is
 * touched; the server (and what runs in its panes) is killed on close. Ctrl-C typed here reaches the foreground
 * process group of the pane exactly as on a user's terminal.
 */
final class TmuxTerminal implements AutoCloseable {

    static final int WIDTH = 140;
    static final int HEIGHT = 45;

    private final String socket = "minilab-e2e-" + UUID.randomUUID().toString().substring(0, 8);

    private TmuxTerminal() {
    }

    /**
     * Runs {@code command} in {@code dir} with only the environment of this JVM minus MiniLab's own names plus
     * {@code env}, in a new window named {@code window}.
     */
    static TmuxTerminal start(Path dir, Map<String, String> env, List<String> command) throws IOException {
        TmuxTerminal tmux = new TmuxTerminal();
        tmux.tmuxQuiet("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", String.valueOf(WIDTH),
                "-y", String.valueOf(HEIGHT), "-n", "main", script(dir, env, command, "run-main.sh").toString(),
                ";", "set-option", "-t", "t", "remain-on-exit", "on");
        return tmux;
    }

    /** Runs {@code command} in a second window (another terminal of the same user), waits for it to end. */
    String runInOtherTerminal(Path dir, Map<String, String> env, List<String> command, Duration timeout)
            throws IOException {
        Path out = dir.resolve("other-terminal.out");
        Files.deleteIfExists(out);
        List<String> redirected = new ArrayList<>(List.of("sh", "-c", "\"$@\" >" + out + " 2>&1; echo \"rc=$?\" >>" + out, "sh"));
        redirected.addAll(command);
        tmuxQuiet("new-window", "-d", "-t", "t", "-n", "other", script(dir, env, redirected, "run-other.sh").toString());
        await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(out) && Files.readString(out).contains("rc="));
        return Files.readString(out);
    }

    private static Path script(Path dir, Map<String, String> env, List<String> command, String name) throws IOException {
        StringBuilder sh = new StringBuilder("#!/bin/sh\n");
        for (String n : List.of("OPENAI_API_KEY", "OPENAI_API_BASE", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD",
                "REDIS_URL", "LLM_MODEL", "MINILAB_WORKSPACE", "MINILAB_PRIVATE_KEY", "MINILAB_PUBLIC_KEYS", "TMUX")) {
            sh.append("unset ").append(n).append('\n');
        }
        new TreeMap<>(env).forEach((k, v) -> sh.append("export ").append(k).append("='").append(v.replace("'", "'\\''"))
                .append("'\n"));
        sh.append("cd '").append(dir).append("'\n");
        sh.append("exec");
        for (String part : command) {
            sh.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        sh.append('\n');
        Path file = dir.resolve(name);
        Files.writeString(file, sh.toString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** The main window's screen plus 300 lines of scrollback, without escape sequences. */
    String text() {
        try {
            return tmux("capture-pane", "-p", "-S", "-300", "-t", "t:main");
        } catch (IOException e) {
            throw new IllegalStateException("tmux capture-pane failed", e);
        }
    }

    /** The last non-empty line of the main window (where the console's status bar lives). */
    String lastLine() {
        List<String> lines = text().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    /** Types {@code text} literally, without Enter. */
    void typeWithoutEnter(String text) throws IOException {
        tmuxQuiet("send-keys", "-t", "t:main", "-l", text);
    }

    /** Types {@code line} literally and presses Enter. */
    void type(String line) throws IOException {
        typeWithoutEnter(line);
        keys("Enter");
    }

    /** Presses keys by tmux name ({@code C-c}, {@code Enter}, {@code Up}). */
    void keys(String... keys) throws IOException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "t:main"));
        args.addAll(List.of(keys));
        tmuxQuiet(args.toArray(String[]::new));
    }

    void awaitScreen(Predicate<String> condition, Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(150)).until(() -> condition.test(text()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("screen did not reach the expected state within " + timeout + "; it shows:\n"
                    + text(), e);
        }
    }

    void awaitText(String text, Duration timeout) {
        awaitScreen(s -> s.contains(text), timeout);
    }

    /** Whether the main window's process has ended (tmux keeps the dead pane: remain-on-exit). */
    boolean exited() {
        try {
            return tmux("display-message", "-p", "-t", "t:main", "#{pane_dead}").strip().equals("1");
        } catch (IOException e) {
            return true;
        }
    }

    private void tmuxQuiet(String... args) throws IOException {
        tmux(args);
    }

    private String tmux(String... args) throws IOException {
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

    /** Kills this test's tmux server (and what runs in it); never another tmux server. */
    @Override
    public void close() throws IOException {
        Process p = new ProcessBuilder("tmux", "-L", socket, "kill-server").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
