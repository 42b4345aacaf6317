package dev.minilab.console.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** The console as a child process driven through pipes, as a script would. */
final class PipeConsole implements AutoCloseable {

    private final Process process;
    private final Writer stdin;
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();

    private PipeConsole(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), out);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), err);
    }

    static PipeConsole start(Path workspace, Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ConsoleLauncher.command(args)).directory(workspace.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("REDIS_") || k.startsWith("MINILAB_") || k.equals("NO_COLOR"));
        e.put("MINILAB_WORKSPACE", workspace.toString());
        e.putAll(env);
        return new PipeConsole(pb.start());
    }

    private static void pump(BufferedReader reader, List<String> into) {
        Thread t = new Thread(() -> {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    into.add(line);
                }
            } catch (IOException e) {
                into.add("<<pump failed: " + e + ">>");
            }
        }, "pipe-console-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Writes one line to the console's stdin. */
    void type(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Closes stdin (end of the pipe). */
    void endInput() throws IOException {
        stdin.close();
    }

    /** Waits until stderr says the console is connected (it subscribes before printing that). */
    PipeConsole awaitReady() {
        await().atMost(Duration.ofSeconds(90)).until(() -> err.stream().anyMatch(l -> l.contains("connected to Redis")));
        return this;
    }

    void awaitLine(java.util.function.Predicate<String> matcher) {
        await().atMost(Duration.ofSeconds(30)).until(() -> out.stream().anyMatch(matcher));
    }

    Integer waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
