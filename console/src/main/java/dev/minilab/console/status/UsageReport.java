package dev.minilab.console.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code /cost} answer from the {@code agent_usage} hash: field {@code <role>|<model>}, value JSON
 * {@code {"input":N,"output":N,"calls":N}}. Prints tokens per agent and model and the total; prices come later.
 */
public final class UsageReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private UsageReport() {
    }

    /** One row: tokens of {@code role} on {@code model}. */
    public record Row(String role, String model, long input, long output, long calls) {
    }

    /** Parses the hash; entries that are not {@code role|model} → JSON object are reported in {@code bad}. */
    public record Usage(List<Row> rows, List<String> bad) {
        public Usage {
            rows = List.copyOf(rows);
            bad = List.copyOf(bad);
        }
    }

    /** Parses {@code agent_usage}, rows sorted by role then model. */
    public static Usage parse(Map<String, String> hash) {
        List<Row> rows = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        new TreeMap<>(hash).forEach((field, value) -> {
            int bar = field.indexOf('|');
            try {
                JsonNode node = JSON.readTree(value);
                if (bar <= 0 || !node.isObject()) {
                    bad.add(field);
                    return;
                }
                rows.add(new Row(field.substring(0, bar), field.substring(bar + 1), node.path("input").asLong(0),
                        node.path("output").asLong(0), node.path("calls").asLong(0)));
            } catch (IOException e) {
                bad.add(field);
            }
        });
        return new Usage(rows, bad);
    }

    /** The printed table. */
    public static List<String> format(Usage usage) {
        List<String> out = new ArrayList<>();
        if (usage.rows().isEmpty()) {
            out.add("No token usage recorded yet (hash agent_usage is empty: no agent has called its LLM since the last reset).");
        } else {
            out.add(String.format("  %-18s %-24s %12s %12s %12s %7s", "agent", "model", "input", "output", "total", "calls"));
            long in = 0;
            long outTokens = 0;
            long calls = 0;
            for (Row r : usage.rows()) {
                out.add(String.format("  %-18s %-24s %,12d %,12d %,12d %7d", r.role(), r.model(), r.input(), r.output(),
                        r.input() + r.output(), r.calls()));
                in += r.input();
                outTokens += r.output();
                calls += r.calls();
            }
            out.add(String.format("  %-18s %-24s %,12d %,12d %,12d %7d", "total", "", in, outTokens, in + outTokens, calls));
            out.add("  (tokens only; prices and budgets are not tracked yet)");
        }
        if (!usage.bad().isEmpty()) {
            out.add("  skipped malformed agent_usage field(s): " + String.join(", ", usage.bad()));
        }
        return out;
    }
}
