package dev.minilab.containers;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command in a real pseudo-terminal: a tmux server on its own socket ({@code tmux -L}), so no other tmux server
 * is touched; killed on close. Used for {@code podman attach user-console}, as a user types {@code docker attach}.
 */
final class TmuxTerminal implements AutoCloseable {

    private final String socket = "minilab-ct-" + UUID.randomUUID().toString().substring(0, 8);

    private TmuxTerminal() {
    }

    /** Starts {@code command} (run through {@code env} with {@code env}) in a {@code width}x{@code height} window. */
    static TmuxTerminal start(List<String> command, Map<String, String> env, int width, int height) {
        List<String> line = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> line.add(k + "=" + v));
        line.addAll(command);
        String shell = String.join(" ", line.stream().map(TmuxTerminal::quote).toList());
        TmuxTerminal tmux = new TmuxTerminal();
        try {
            tmux.tmux("-f", "/dev/null", "new-session", "-d", "-s", "term", "-x", String.valueOf(width),
                    "-y", String.valueOf(height), shell, ";", "set-option", "-t", "term", "remain-on-exit", "on");
            return tmux;
        } catch (IOException | RuntimeException e) {
            tmux.close();
            throw new IllegalStateException("could not start tmux for " + shell, e);
        }
    }

    /** The screen plus 500 lines of scrollback, without escape sequences. */
    String text() {
        try {
            return tmux("capture-pane", "-p", "-J", "-S", "-500", "-t", "term")
                    .replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "");
        } catch (IOException e) {
            throw new IllegalStateException("tmux capture-pane failed", e);
        }
    }

    /** Types {@code line} literally and presses Enter. */
    void type(String line) {
        try {
            tmux("send-keys", "-t", "term", "-l", line);
            tmux("send-keys", "-t", "term", "Enter");
        } catch (IOException e) {
            throw new IllegalStateException("tmux send-keys failed", e);
        }
    }

    void awaitScreen(String description, Predicate<String> condition, Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> condition.test(text()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the terminal did not show " + description + " within " + timeout
                    + "; it shows:\n" + text(), e);
        }
    }

    void awaitText(String text, Duration timeout) {
        awaitScreen("'" + text + "'", s -> s.contains(text), timeout);
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
            throw new IOException("interrupted", e);
        }
        return out;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Kills this terminal's tmux server (and the attach client in it; the container keeps running). */
    @Override
    public void close() {
        try {
            Process p = new ProcessBuilder("tmux", "-L", socket, "kill-server").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            System.err.println("container test: tmux kill-server failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
