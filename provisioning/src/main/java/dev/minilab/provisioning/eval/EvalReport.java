package dev.minilab.provisioning.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The harness's outputs: the table for people and {@code eval-<timestamp>.json} for tools. */
public final class EvalReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private EvalReport() {
    }

    /** {@code {"target": …, "runs": [...]}}. */
    public static ObjectNode json(String target, List<EvalRun> runs) {
        ObjectNode root = JSON.createObjectNode();
        root.put("target", target);
        ArrayNode list = root.putArray("runs");
        runs.forEach(run -> list.add(run.toJson()));
        return root;
    }

    /** Writes {@code dir/eval-<UTC timestamp>.json} and returns its path. */
    public static Path write(Path dir, String target, List<EvalRun> runs, Instant now) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("eval-" + STAMP.format(now) + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(target, runs)) + "\n");
        return file;
    }

    /** Scenario × model: status, retries, LLM calls, tokens in/out, dollars, seconds; then averages per model. */
    public static String table(List<EvalRun> runs) {
        StringBuilder text = new StringBuilder();
        String format = "%-16s %-22s %-8s %7s %9s %10s %10s %10s %8s%n";
        text.append(String.format(Locale.ROOT, format, "scenario", "model", "status", "retries", "llm_calls",
                "tokens_in", "tokens_out", "cost_usd", "seconds"));
        for (EvalRun run : runs) {
            text.append(String.format(Locale.ROOT, format, run.scenario(), run.model(), run.status(), run.retries(),
                    run.llmCalls(), run.inputTokens(), run.outputTokens(), dollars(run), String.format(Locale.ROOT,
                            "%.1f", run.seconds())));
        }
        Map<String, List<EvalRun>> byModel = new LinkedHashMap<>();
        runs.forEach(run -> byModel.computeIfAbsent(run.model(), m -> new java.util.ArrayList<>()).add(run));
        text.append('\n');
        byModel.forEach((model, list) -> {
            List<EvalRun> failures = list.stream().filter(r -> Scenario.parse(r.scenario())
                    .map(Scenario::failureScenario).orElse(true)).toList();
            double avgRetries = failures.stream().mapToInt(EvalRun::retries).average().orElse(0);
            boolean known = list.stream().allMatch(r -> r.costUsd().isPresent());
            BigDecimal total = list.stream().map(r -> r.costUsd().orElse(BigDecimal.ZERO))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            long successes = list.stream().filter(r -> r.status().equals("SUCCESS")).count();
            text.append(String.format(Locale.ROOT, "%s: %d/%d SUCCESS, avg retries (failure scenarios) %.2f, total "
                            + "cost %s%n", model, successes, list.size(), avgRetries,
                    known ? "$" + total.setScale(4, RoundingMode.HALF_UP).toPlainString() : "unknown (no price)"));
        });
        return text.toString();
    }

    /** One progress line for a finished run. */
    public static String progress(int index, int total, EvalRun run) {
        return String.format(Locale.ROOT, "eval [%d/%d] %s × %s: %s, %d retr%s, %d LLM call%s, %d/%d tokens, %s, "
                        + "%.1f s", index, total, run.scenario(), run.model(), run.status(), run.retries(),
                run.retries() == 1 ? "y" : "ies", run.llmCalls(), run.llmCalls() == 1 ? "" : "s", run.inputTokens(),
                run.outputTokens(), run.costUsd().isPresent() ? "$" + dollars(run) : "price unknown", run.seconds());
    }

    private static String dollars(EvalRun run) {
        return run.costUsd().map(c -> c.setScale(4, RoundingMode.HALF_UP).toPlainString()).orElse("?");
    }
}
