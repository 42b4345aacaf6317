package dev.minilab.runtime.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file: {@code NAME=value} lines, {@code #} comments, optional {@code export }, single or double
 * quotes (double quotes understand {@code \n}, {@code \"} and {@code \\}), inline {@code  # comments} after unquoted
 * values.
 */
public final class DotEnv {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DotEnv() {
    }

    /** Parses {@code file}; a missing file is an empty map. A malformed line fails with its line number. */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Parses the lines of a .env file; {@code source} names it in error messages. */
    public static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException.Malformed(source + " line " + (i + 1)
                        + ": expected NAME=value, got '" + abbreviate(line) + "'");
            }
            String name = line.substring(0, eq).strip();
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException.Malformed(source + " line " + (i + 1) + ": '" + abbreviate(name)
                        + "' is not a valid variable name");
            }
            String raw = line.substring(eq + 1).strip();
            if (unclosed(raw)) {
                throw new ConfigException.Malformed(source + " line " + (i + 1) + ": the value of " + name
                        + " opens a " + (raw.charAt(0) == '"' ? "double" : "single") + " quote that is never closed"
                        + " (values are one line; close the quote)");
            }
            values.put(name, value(raw));
        }
        return values;
    }

    /** Whether a quoted value lacks its closing quote (an escaped {@code \"} does not close a double quote). */
    private static boolean unclosed(String raw) {
        if (raw.startsWith("'")) {
            return raw.indexOf('\'', 1) < 0;
        }
        if (raw.startsWith("\"")) {
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static String value(String raw) {
        if (raw.length() >= 2 && raw.startsWith("'") && raw.indexOf('\'', 1) > 0) {
            return raw.substring(1, raw.indexOf('\'', 1));
        }
        if (raw.length() >= 2 && raw.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\' && i + 1 < raw.length()) {
                    char next = raw.charAt(++i);
                    out.append(switch (next) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> next;
                    });
                } else if (c == '"') {
                    return out.toString();
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
