package dev.minilab.console.it;

import dev.minilab.testkit.TmuxTerminal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * The console in a real pseudo-terminal: a tmux server on its own socket ({@code tmux -L}), so no other tmux
 * server is touched; killed on close.
 */
final class TmuxConsole implements AutoCloseable {

    static final int WIDTH = 120;
    static final int HEIGHT = 40;

    private final String socket = "minilab-it-" + UUID.randomUUID().toString().substring(0, 8);

    private TmuxConsole() {
    }

    /** Starts the console in a {@value #WIDTH}x{@value #HEIGHT} tmux window and waits for the prompt. */
    static TmuxConsole start(Path workspace, Map<String, String> env) throws IOException, InterruptedException {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("MINILAB_WORKSPACE", workspace.toString());
        all.put("LANG", "C.UTF-8");
        all.put("LC_ALL", "C.UTF-8");
        Path script = ConsoleLauncher.script(workspace, all);
        TmuxConsole tmux = new TmuxConsole();
        try {
            tmux.tmux("-f", "/dev/null", "new-session", "-d", "-s", "console", "-x", String.valueOf(WIDTH),
                    "-y", String.valueOf(HEIGHT), script.toString(), ";", "set-option", "-t", "console", "remain-on-exit", "on");
            tmux.awaitScreen(s -> s.contains("minilab>"), Duration.ofSeconds(90));
            return tmux;
        } catch (RuntimeException | Error | IOException e) {
            tmux.close();
            throw e;
        }
    }

    /** The visible screen plus 200 lines of scrollback, with colour escape sequences ({@code capture-pane -e}). */
    String screen() {
        try {
            return tmux("capture-pane", "-p", "-e", "-S", "-200", "-t", "console");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("tmux capture-pane failed", e);
        }
    }

    /** The screen without escape sequences. */
    String text() {
        return screen().replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "");
    }

    /** The last non-empty line on the visible screen (where the status bar lives), without escapes. */
    String lastLine() {
        List<String> lines = text().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    /** Types {@code line} literally and presses Enter. */
    void type(String line) throws IOException, InterruptedException {
        tmux("send-keys", "-t", "console", "-l", line);
        tmux("send-keys", "-t", "console", "Enter");
    }

    /** Presses keys by tmux name (e.g. {@code Up}, {@code C-d}). */
    void keys(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "console"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    void awaitScreen(Predicate<String> condition, Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> condition.test(text()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("screen did not reach the expected state within " + timeout + "; it shows:\n"
                    + text() + "\n" + threadDump(), e);
        }
    }

    void awaitText(String text) {
        awaitScreen(s -> s.contains(text), Duration.ofSeconds(10));
    }

    /** Whether the console process has ended (tmux keeps the dead pane: remain-on-exit). */
    boolean exited() {
        try {
            return tmux("display-message", "-p", "-t", "console", "#{pane_dead}").strip().equals("1");
        } catch (IOException | InterruptedException e) {
            return true;
        }
    }

    /** The console JVM's thread dump, for failure messages (the pane runs the JVM itself: the script execs it). */
    private String threadDump() {
        try {
            String pid = tmux("display-message", "-p", "-t", "console", "#{pane_pid}").strip();
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(), pid)
                    .redirectErrorStream(true).start();
            String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return "thread dump of console pid " + pid + ":\n" + dump;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    /** Kills this test's tmux server (never another one) and waits until the console JVM in it has ended. */
    @Override
    public void close() {
        TmuxTerminal.killServer(socket);
    }
}
