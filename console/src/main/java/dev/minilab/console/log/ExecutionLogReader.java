package dev.minilab.console.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the tool calls of an agent's execution log under {@code <workspace>/docs/}: the JSON-lines file
 * {@code execution_log_<Role>.jsonl} when it exists, else the Markdown file {@code execution_log_<Role>.md}.
 *
 * <p>Tolerant: lines that do not parse are skipped (and counted), unknown fields ignored.
 */
public final class ExecutionLogReader {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionLogReader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TURN = Pattern.compile("^##\\s+Turn\\s+(\\d+)\\s*[—-]+\\s*(\\S+).*$");
    private static final Pattern TOOL = Pattern.compile("^###\\s+(\\S+)(?:\\s+[—-]+\\s+(\\S+))?.*$");
    private static final Pattern EXIT_CODE = Pattern.compile("exit code\\s*:?\\s*(-?\\d+)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s)\\b");
    private static final Pattern FIELD = Pattern.compile(
            "^\\s*[-*]\\s*\\**\\s*(args|arguments|status|exit[ _]code|duration(?:_ms)?|result|time|ts)\\s*\\**\\s*:\\s*\\**\\s*(.*)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");

    private final Path docs;

    /** A reader for the logs in {@code <workspace>/docs}. */
    public ExecutionLogReader(Path workspace) {
        this.docs = workspace.resolve("docs");
    }

    /** The Markdown log of {@code role}. */
    public Path markdownPath(String role) {
        return docs.resolve("execution_log_" + role + ".md");
    }

    /** The JSON-lines log of {@code role}. */
    public Path jsonlPath(String role) {
        return docs.resolve("execution_log_" + role + ".jsonl");
    }

    /** What was read: the entries (oldest first), the file they came from, and how many lines were unreadable. */
    public record Read(List<ToolEntry> entries, Path source, int skipped) {
        public Read {
            entries = List.copyOf(entries);
        }
    }

    /** The last {@code n} tool entries of {@code role}; {@code source} is null when neither file exists. */
    public Read lastToolEntries(String role, int n) {
        Path jsonl = jsonlPath(role);
        Path md = markdownPath(role);
        Read all;
        if (Files.isRegularFile(jsonl)) {
            all = readJsonl(role, jsonl);
        } else if (Files.isRegularFile(md)) {
            all = readMarkdown(role, md);
        } else {
            return new Read(List.of(), null, 0);
        }
        List<ToolEntry> entries = all.entries();
        return new Read(entries.subList(Math.max(0, entries.size() - n), entries.size()), all.source(), all.skipped());
    }

    /** Every tool event of a JSON-lines log, oldest first. */
    public static Read readJsonl(String role, Path file) {
        List<ToolEntry> out = new ArrayList<>();
        int skipped = 0;
        for (String line : lines(file)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                if (!node.isObject()) {
                    skipped++;
                    continue;
                }
                if (!"tool".equals(node.path("type").asText("tool"))) {
                    continue;
                }
                out.add(new ToolEntry(instant(node.path("ts").asText(null)), node.path("role").asText(role),
                        node.path("turn").asInt(0), node.path("tool").asText("?"), text(node.get("args")),
                        node.path("status").asText(""),
                        node.hasNonNull("exit_code") ? node.get("exit_code").asInt() : null,
                        node.hasNonNull("duration_ms") ? node.get("duration_ms").asLong() : null,
                        node.path("result").asText("")));
            } catch (IOException e) {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.warn("{}: {} line(s) are not JSON objects and were skipped (a partly written or edited log?)", file, skipped);
        }
        return new Read(out, file, skipped);
    }

    /**
     * Every tool entry of a Markdown log, oldest first. The writer's form ({@code dev.minilab.runtime.log.ExecutionLog}):
     * a {@code ### <tool> — <timestamp>} heading, {@code - args: `…`}, {@code - status: OK (exit code 0), 12 ms}, then
     * the result excerpt in a fenced block; the enclosing {@code ## Turn <n> — <timestamp> — from <sender>} heading
     * gives the turn. Separate bullets ({@code - exit code:}, {@code - duration:}, {@code - result:}) are read too.
     */
    public static Read readMarkdown(String role, Path file) {
        List<ToolEntry> out = new ArrayList<>();
        int turn = 0;
        Instant turnTs = null;
        MdEntry current = null;
        boolean inFence = false;
        for (String line : lines(file)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
                if (inFence && current != null && current.result.isEmpty()) {
                    // The writer puts the result excerpt in the first fenced block of a tool entry.
                    current.collectingResult = true;
                } else if (!inFence && current != null) {
                    current.collectingResult = false;
                }
                continue;
            }
            if (inFence) {
                if (current != null && current.collectingResult) {
                    current.appendResultLine(line);
                }
                continue;
            }
            Matcher t = TURN.matcher(line);
            if (t.matches()) {
                current = flush(current, out);
                turn = Integer.parseInt(t.group(1));
                turnTs = instant(t.group(2));
                continue;
            }
            Matcher h = TOOL.matcher(line);
            if (h.matches()) {
                current = flush(current, out);
                current = new MdEntry(role, turn, h.group(2) != null && instant(h.group(2)) != null ? instant(h.group(2)) : turnTs,
                        h.group(1).replace("`", ""));
                continue;
            }
            if (line.startsWith("## ")) {
                current = flush(current, out);
                continue;
            }
            Matcher f = FIELD.matcher(line);
            if (current != null && f.matches()) {
                current.set(f.group(1).toLowerCase(Locale.ROOT), f.group(2).strip());
            }
        }
        flush(current, out);
        return new Read(out, file, 0);
    }

    private static MdEntry flush(MdEntry current, List<ToolEntry> out) {
        if (current != null) {
            out.add(current.toEntry());
        }
        return null;
    }

    private static final class MdEntry {
        private final String role;
        private final int turn;
        private Instant ts;
        private final String tool;
        private String args = "";
        private String status = "";
        private Integer exitCode;
        private Long durationMs;
        private final StringBuilder result = new StringBuilder();
        private boolean collectingResult;
        private boolean resultStarted;

        MdEntry(String role, int turn, Instant ts, String tool) {
            this.role = role;
            this.turn = turn;
            this.ts = ts;
            this.tool = tool;
        }

        void appendResultLine(String line) {
            if (resultStarted) {
                result.append('\n');
            }
            result.append(line);
            resultStarted = true;
        }

        void set(String key, String value) {
            String v = value.replaceAll("^`+|`+$", "").replaceAll("\\*+$", "").strip();
            collectingResult = false;
            switch (key) {
                case "args", "arguments" -> args = v;
                case "status" -> {
                    // Writer form: "OK (exit code 0), 12 ms"; older form: "OK" with separate bullets.
                    status = v.split("[\\s,(]+")[0].replace("*", "");
                    Matcher code = EXIT_CODE.matcher(v);
                    if (code.find()) {
                        exitCode = Integer.parseInt(code.group(1));
                    }
                    Matcher took = DURATION.matcher(v);
                    if (took.find()) {
                        double amount = Double.parseDouble(took.group(1));
                        durationMs = took.group(2).equals("s") ? (long) (amount * 1000) : (long) amount;
                    }
                }
                case "exit code", "exit_code" -> exitCode = firstNumber(v).map(Double::intValue).orElse(null);
                case "duration", "duration_ms" -> durationMs = firstNumber(v)
                        .map(d -> v.matches(".*\\d\\s*s\\b.*") && !v.contains("ms") ? (long) (d * 1000) : d.longValue())
                        .orElse(null);
                case "time", "ts" -> ts = instant(v);
                default -> {
                    if (!v.isEmpty()) {
                        appendResultLine(v);
                    }
                    collectingResult = true;
                }
            }
        }

        ToolEntry toEntry() {
            return new ToolEntry(ts, role, turn, tool, args, status, exitCode, durationMs, result.toString());
        }
    }

    private static java.util.Optional<Double> firstNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        return m.find() ? java.util.Optional.of(Double.parseDouble(m.group())) : java.util.Optional.empty();
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text.strip()).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read execution log " + file + ": " + e.getMessage(), e);
        }
    }
}
