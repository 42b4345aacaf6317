package dev.minilab.console.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.minilab.runtime.discipline.DisciplineSettings;
import dev.minilab.runtime.llm.PriceTable;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code /cost} answer from the {@code agent_usage} hash: counters {@code <role>|<model>|input|output|calls}
 * (or, as older agents wrote it, field {@code <role>|<model>} with JSON {@code {"input":N,"output":N,"calls":N}}). Prints tokens and dollars per agent and model and the totals, and the
 * current request against the guardrails' limits.
 */
public final class UsageReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COUNTERS = List.of("input", "output", "calls");

    private UsageReport() {
    }

    private static List<String> priced(Usage usage, PriceTable prices) {
        List<String> out = new ArrayList<>();
        String row = "  %-18s %-24s %12s %12s %12s %7s %14s";
        out.add(String.format(row, "agent", "model", "input", "output", "total", "calls", "cost"));
        long in = 0;
        long outTokens = 0;
        long calls = 0;
        long unpriced = 0;
        BigDecimal dollars = BigDecimal.ZERO;
        for (Row r : usage.rows()) {
            Optional<BigDecimal> cost = prices.cost(r.model(), r.input(), r.output());
            out.add(String.format(row, r.role(), r.model(), String.format("%,d", r.input()),
                    String.format("%,d", r.output()), String.format("%,d", r.input() + r.output()), r.calls(),
                    cost.map(UsageReport::dollars).orElse("price unknown")));
            in += r.input();
            outTokens += r.output();
            calls += r.calls();
            if (cost.isPresent()) {
                dollars = dollars.add(cost.get());
            } else {
                unpriced += r.input() + r.output();
            }
        }
        out.add(String.format(row, "total", "", String.format("%,d", in), String.format("%,d", outTokens),
                String.format("%,d", in + outTokens), calls, dollars(dollars)));
        if (unpriced > 0) {
            out.add(String.format("  (%,d tokens on models with an unknown price are not in the dollar total; set "
                    + "LLM_PRICES=model=input:output USD per 1M tokens to price them)", unpriced));
        }
        return out;
    }

    /** The current request's hops, tokens and dollars against the limits, from hash {@code request_state}. */
    public static List<String> request(Map<String, String> requestState, DisciplineSettings limits) {
        if (requestState.isEmpty()) {
            return List.of("  This request: nothing recorded yet (hash request_state is empty).");
        }
        long hops = number(requestState.get("hops"));
        long tokens = number(requestState.get("tokens"));
        BigDecimal cost;
        try {
            cost = new BigDecimal(requestState.getOrDefault("cost", "0").strip());
        } catch (NumberFormatException e) {
            cost = BigDecimal.ZERO;
        }
        List<String> out = new ArrayList<>();
        out.add(String.format("  This request (since your last message): %d of MAX_HOPS %d hops, %,d of MAX_TOKENS %,d "
                + "tokens, %s of MAX_COST_USD %s", hops, limits.maxHops(), tokens, limits.maxTokens(), dollars(cost),
                dollars(limits.maxCostUsd())));
        String halted = requestState.getOrDefault("halted", "");
        if (!halted.isBlank()) {
            out.add("  HALTED (" + halted + ") by " + requestState.getOrDefault("halted_by", "?")
                    + ": send a message to start a new request.");
        }
        return out;
    }

    static String dollars(BigDecimal amount) {
        return "$" + amount.setScale(amount.abs().compareTo(BigDecimal.ONE) < 0 ? 4 : 2, RoundingMode.HALF_UP)
                .toPlainString();
    }

    private static long number(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
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

    /**
     * Parses {@code agent_usage}, rows sorted by role then model. Counter fields {@code role|model|input},
     * {@code |output}, {@code |calls} (written by HINCRBY) and the older {@code role|model} → JSON form are both read.
     */
    public static Usage parse(Map<String, String> hash) {
        Map<String, long[]> totals = new TreeMap<>();
        List<String> bad = new ArrayList<>();
        new TreeMap<>(hash).forEach((field, value) -> {
            int bar = field.indexOf('|');
            int last = field.lastIndexOf('|');
            String counter = field.substring(last + 1);
            if (bar > 0 && last > bar && COUNTERS.contains(counter)) {
                try {
                    long count = Long.parseLong(value.strip());
                    totals.computeIfAbsent(field.substring(0, last), k -> new long[3])[COUNTERS.indexOf(counter)] +=
                            count;
                } catch (NumberFormatException e) {
                    bad.add(field);
                }
                return;
            }
            try {
                JsonNode node = JSON.readTree(value);
                if (bar <= 0 || !node.isObject()) {
                    bad.add(field);
                    return;
                }
                long[] t = totals.computeIfAbsent(field, k -> new long[3]);
                t[0] += node.path("input").asLong(0);
                t[1] += node.path("output").asLong(0);
                t[2] += node.path("calls").asLong(0);
            } catch (IOException e) {
                bad.add(field);
            }
        });
        List<Row> rows = new ArrayList<>();
        totals.forEach((key, t) -> {
            int bar = key.indexOf('|');
            rows.add(new Row(key.substring(0, bar), key.substring(bar + 1), t[0], t[1], t[2]));
        });
        return new Usage(rows, bad);
    }

    /** The printed table, tokens only. */
    public static List<String> format(Usage usage) {
        return format(usage, null);
    }

    /**
     * The printed table with a cost column: dollars per agent and model from {@code prices}, or "price unknown"
     * (those tokens are counted, not priced). With {@code prices} null, tokens only.
     */
    public static List<String> format(Usage usage, PriceTable prices) {
        List<String> out = new ArrayList<>();
        if (usage.rows().isEmpty()) {
            out.add("No token usage recorded yet (hashes agent_usage:<Role> are empty: no agent has called its LLM since the last reset).");
        } else if (prices != null) {
            out.addAll(priced(usage, prices));
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
