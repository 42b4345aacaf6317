package dev.minilab.containers.podman;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code podman} with the project-local configuration of a {@link PodmanEnvironment} (never the machine's
 * global one). Every command and its outcome is appended to a log file; long outputs (image builds) go to their own
 * file.
 */
public final class Podman {

    /** What one podman command did. */
    public record Result(List<String> command, int exit, String stdout, String stderr, Duration took) {
        public boolean ok() {
            return exit == 0;
        }

        /** The command line and what it printed, for failure messages. */
        public String describe() {
            return "podman " + String.join(" ", command) + " -> exit " + exit + " after " + took.toMillis() + " ms"
                    + (stdout.isBlank() ? "" : "\n--- stdout ---\n" + tail(stdout))
                    + (stderr.isBlank() ? "" : "\n--- stderr ---\n" + tail(stderr));
        }

        private static String tail(String text) {
            List<String> lines = text.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        }
    }

    private final Map<String, String> env;
    private final Path log;

    Podman(Map<String, String> env, Path log) {
        this.env = Map.copyOf(env);
        this.log = log;
    }

    /** The variables that point podman at the project-local configuration (for commands started elsewhere). */
    public Map<String, String> environment() {
        return env;
    }

    /** Runs {@code podman args...}; a non-zero exit is returned, not thrown. */
    public Result run(Duration timeout, List<String> args) {
        return exec(timeout, args, null);
    }

    /** Runs {@code podman args...} and throws {@link PodmanException} with the output when it fails. */
    public Result ok(Duration timeout, String... args) {
        Result result = run(timeout, List.of(args));
        if (!result.ok()) {
            throw new PodmanException(result.describe());
        }
        return result;
    }

    /** Like {@link #ok} but with stdout and stderr written to {@code outputFile} (appended), e.g. for builds. */
    public Result okLogged(Duration timeout, Path outputFile, List<String> args) {
        Result result = exec(timeout, args, outputFile);
        if (!result.ok()) {
            throw new PodmanException(result.describe() + "\n(full output: " + outputFile + ")");
        }
        return result;
    }

    private Result exec(Duration timeout, List<String> args, Path outputFile) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        long start = System.nanoTime();
        try {
            Path out = outputFile != null ? outputFile : Files.createTempFile("podman-out", ".txt");
            Path err = outputFile != null ? outputFile : Files.createTempFile("podman-err", ".txt");
            if (outputFile != null) {
                Files.createDirectories(outputFile.getParent());
                builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            } else {
                builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            }
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new PodmanException("podman " + String.join(" ", args) + " did not finish within " + timeout);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String stdout = outputFile != null ? "" : Files.readString(out, StandardCharsets.UTF_8);
            String stderr = outputFile != null ? tailOf(outputFile) : Files.readString(err, StandardCharsets.UTF_8);
            if (outputFile == null) {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
            Result result = new Result(List.copyOf(args), process.exitValue(), stdout, stderr, took);
            record(result);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run podman " + String.join(" ", args), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PodmanException("interrupted while running podman " + String.join(" ", args));
        }
    }

    private static String tailOf(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private void record(Result result) {
        String line = LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " exit " + result.exit() + " in "
                + result.took().toMillis() + " ms: podman " + String.join(" ", result.command()) + "\n";
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + log, e);
        }
    }
}
