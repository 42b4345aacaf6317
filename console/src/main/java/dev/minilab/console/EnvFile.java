package dev.minilab.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Merges the process environment with a {@code .env} file; the process environment wins (DESIGN.md §3). */
final class EnvFile {

    private EnvFile() {
    }

    /** {@code KEY=VALUE} lines of {@code file} (comments, blanks and {@code export } prefixes allowed) under {@code env}. */
    static Map<String, String> merge(Map<String, String> env, Path file) {
        Map<String, String> out = new HashMap<>();
        if (Files.isRegularFile(file)) {
            try {
                for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String line = raw.strip();
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    if (line.startsWith("export ")) {
                        line = line.substring(7).strip();
                    }
                    int eq = line.indexOf('=');
                    if (eq <= 0) {
                        continue;
                    }
                    String value = line.substring(eq + 1).strip();
                    if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                            || value.startsWith("'") && value.endsWith("'"))) {
                        value = value.substring(1, value.length() - 1);
                    }
                    out.put(line.substring(0, eq).strip(), value);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        out.putAll(env);
        return out;
    }
}
