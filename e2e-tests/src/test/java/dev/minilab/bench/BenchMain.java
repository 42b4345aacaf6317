package dev.minilab.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./minilab bench}: measures the figures of issue 12 with real agent JVMs, a redis-server child and the
 * scripted LLM server, prints them beside their targets, appends the run to docs/BENCHMARKS.md and exits 1 when a
 * figure misses its target. Not a test: nothing in CI runs it.
 *
 * <p>Usage: {@code BenchMain <repo> [--no-append]}.
 */
public final class BenchMain {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("io.netty.noUnsafe", "true");
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        boolean append = !List.of(args).contains("--no-append");
        java.util.Set<String> skip = new java.util.HashSet<>();
        for (String arg : args) {
            if (arg.startsWith("--skip=")) {
                skip.addAll(List.of(arg.substring("--skip=".length()).split(",")));
            }
        }
        String loadBefore = load();
        long began = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        try (Lab lab = new Lab(repo, Map.of())) {
            run(lab, rows, skip);
        }
        String loadAfter = load();
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        String table = table(rows);
        System.out.println();
        System.out.println(table);
        String machine = machine(loadBefore, loadAfter, took);
        System.out.println(machine);
        if (append) {
            Path file = repo.resolve("docs/BENCHMARKS.md");
            String section = "\n### Run " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ", commit " + commit(repo)
                    + (skip.isEmpty() ? "" : " (partial: skipped " + String.join(", ", skip) + ")") + "\n\n" + machine + "\n\n" + table + "\n";
            if (!Files.exists(file)) {
                Files.writeString(file, "# Benchmarks\n\nRuns appended by `./minilab bench`.\n");
            }
            Files.writeString(file, section, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            System.out.println("appended to " + file);
        }
        boolean missed = rows.stream().anyMatch(row -> Boolean.FALSE.equals(row.met()));
        System.exit(missed ? 1 : 0);
    }

    private static void run(Lab lab, List<Row> rows, java.util.Set<String> skip) throws Exception {
        if (!skip.contains("team")) {
            team(lab, rows, skip);
        }
        // 8. the bus, with no agent running
        if (!skip.contains("bus")) try {
            bus(lab, rows);
        } catch (RuntimeException e) {
            progress("bus failed: " + e);
            rows.add(Row.failed("bus publish → deliver", "≤ 0.2 / ≤ 2 ms; ≥ 20,000 msg/s", e.getMessage()));
        }
    }

    private static void team(Lab lab, List<Row> rows, java.util.Set<String> skip) throws Exception {
        // 1. start -> listening, one agent alone (three runs, median)
        List<Long> alone = new ArrayList<>();
        for (int i = 0; i < (skip.contains("start") ? 0 : 3); i++) {
            List<AgentProcess> one = lab.start(lab.newWorkspace(), Map.of(), "DevOps_Builder");
            alone.add(one.getFirst().awaitReady(READY_TIMEOUT).toMillis());
            lab.stop(one);
            lab.reset();
            progress("start alone run " + (i + 1) + ": " + alone.getLast() + " ms");
        }
        long aloneMedian = alone.isEmpty() ? -1 : alone.stream().sorted().toList().get(1);
        if (!alone.isEmpty()) rows.add(Row.of("start → listening, one agent alone (median of 3)", aloneMedian + " ms " + alone, "≤ 1500 ms",
                aloneMedian <= 1500));

        // 2. four in parallel; the second group stays up for the rest
        List<Long> parallel = new ArrayList<>();
        List<AgentProcess> team = null;
        int groups = skip.contains("start") ? 1 : 2;
        for (int i = 0; i < groups; i++) {
            List<AgentProcess> four = lab.start(lab.newWorkspace(), TeamScenarios.env(),
                    Lab.ROLES.toArray(String[]::new));
            long all = 0;
            for (AgentProcess agent : four) {
                all = Math.max(all, agent.awaitReady(READY_TIMEOUT).toMillis());
            }
            parallel.add(all);
            progress("four in parallel run " + (i + 1) + ": " + all + " ms");
            if (i < groups - 1) {
                lab.stop(four);
                lab.reset();
            } else {
                team = four;
            }
        }
        long parallelWorst = parallel.stream().max(Long::compare).orElseThrow();
        rows.add(Row.of("start → listening, four in parallel (worst of " + groups + ")", parallelWorst + " ms " + parallel,
                "≤ 4000 ms", parallelWorst <= 4000));

        // 3. RSS at rest
        Thread.sleep(5_000);
        double rest = maxRss(team);
        progress("RSS at rest: " + rss(team));
        rows.add(Row.of("RSS per agent at rest (max of 4)", mb(rest) + " " + rss(team), "≤ 120 MB", rest <= 120));

        // 4. hops (round 0 is the first message after start)
        TeamScenarios scenarios = new TeamScenarios(lab);
        if (!skip.contains("hops")) try {
            TeamScenarios.HopResult hops = scenarios.hops();
            progress("hops: first " + Stats.fmt(hops.firstMs()) + " ms, warm " + hops.warm());
            rows.add(Row.of("hop latency, first after start", Stats.fmt(hops.firstMs()) + " ms", "≤ 150 ms",
                    hops.firstMs() <= 150));
            rows.add(Row.of("hop latency, warm p50 (" + hops.warm().count() + " hops)",
                    Stats.fmt(hops.warm().p50Ms()) + " ms (p99 " + Stats.fmt(hops.warm().p99Ms()) + ")", "≤ 5 ms",
                    hops.warm().p50Ms() <= 5));
        } catch (RuntimeException e) {
            progress("hops failed: " + e);
            rows.add(Row.failed("hop latency", "≤ 150 / ≤ 5 ms", e.getMessage()));
        }

        // 5. 10,000 hostile payloads
        if (!skip.contains("flood")) {
        Flood.publish(lab.redis.uri(), 10_000);
        Thread.sleep(5_000);
        double flooded = maxRss(team);
        progress("RSS after flood: " + rss(team));
        rows.add(Row.of("RSS per agent after 10,000 bad payloads (max of 4)", mb(flooded) + " " + rss(team),
                "≤ 160 MB", flooded <= 160));
        }

        // 6. the long turn
        AgentProcess devops = team.get(1);
        if (!skip.contains("turn")) try {
            longTurn(scenarios, devops, rows);
        } catch (RuntimeException e) {
            progress("long turn failed: " + e);
            rows.add(Row.failed("ReAct step overhead / prompt ratio", "≤ 2 / ≤ 10 ms; ≤ 1.1", e.getMessage()));
        }

        // 7. STOP with four agents busy
        if (!skip.contains("stop")) try {
            StopBench.Result stop = new StopBench(lab, team).run();
            progress("stop: " + stop.latency());
            rows.add(Row.of("STOP, four agents mid-call/mid-tool → all halted, no child, p99 of "
                    + stop.latency().count(), Stats.fmt(stop.latency().p99Ms()) + " ms (p50 "
                    + Stats.fmt(stop.latency().p50Ms()) + ")", "< 1000 ms", stop.latency().p99Ms() < 1000));
        } catch (RuntimeException e) {
            progress("stop failed: " + e);
            rows.add(Row.failed("STOP with four agents", "< 1000 ms", e.getMessage()));
        }
        lab.stop(team);
        lab.reset();
    }

    private static void longTurn(TeamScenarios scenarios, AgentProcess devops, List<Row> rows)
            throws InterruptedException {
        TeamScenarios.StepResult steps = scenarios.longTurn(devops);
        progress("steps: " + steps.steps() + "; prompt 20 " + steps.prompt20() + " chars, 200 " + steps.prompt200());
        rows.add(Row.of("ReAct step overhead, warm p50 (steps " + TeamScenarios.FIRST_MEASURED_STEP + "–"
                        + TeamScenarios.STEPS + ")", Stats.fmt(steps.steps().p50Ms()) + " ms", "≤ 2 ms",
                steps.steps().p50Ms() <= 2));
        rows.add(Row.of("ReAct step overhead, warm p99", Stats.fmt(steps.steps().p99Ms()) + " ms (max "
                + Stats.fmt(steps.steps().maxMs()) + ")", "≤ 10 ms", steps.steps().p99Ms() <= 10));
        rows.add(Row.of("prompt size, request 200 ÷ request 20 of one long turn",
                String.format(Locale.ROOT, "%.2f (%,d / %,d chars)", steps.promptRatio(), steps.prompt200(),
                        steps.prompt20()), "≤ 1.1", steps.promptRatio() <= 1.1));
    }

    private static void bus(Lab lab, List<Row> rows) throws Exception {
        BusBench.Result bus = new BusBench(lab).run();
        progress("bus: " + bus);
        rows.add(Row.of("bus publish → deliver, p50 (signed, across processes)", Stats.fmt(bus.latency().p50Ms())
                + " ms", "≤ 0.2 ms", bus.latency().p50Ms() <= 0.2));
        rows.add(Row.of("bus publish → deliver, p99", Stats.fmt(bus.latency().p99Ms()) + " ms", "≤ 2 ms",
                bus.latency().p99Ms() <= 2));
        rows.add(Row.of("bus sustained msg/s (signed JSON, " + BusBench.PUBLISHERS + " publishing threads)",
                BusBench.rate(bus.receivedPerSecond()) + " delivered/s (published " + BusBench.rate(
                        bus.publishedPerSecond()) + "/s)", "≥ 20,000", bus.receivedPerSecond() >= 20_000));
        rows.add(Row.info("ceiling: redis-benchmark PUBLISH, same Redis", bus.ceiling()));
        rows.add(Row.info("ceiling: Ed25519 per message, one thread's CPU", bus.crypto().toString()));
    }

    private static double maxRss(List<AgentProcess> agents) {
        return agents.stream().mapToDouble(AgentProcess::rssMb).max().orElse(Double.NaN);
    }

    private static String rss(List<AgentProcess> agents) {
        return "RSS " + agents.stream().map(a -> String.format(Locale.ROOT, "%.0f", a.rssMb())).toList()
                + ", PSS " + agents.stream().map(a -> String.format(Locale.ROOT, "%.0f", a.pssMb())).toList();
    }

    private static String mb(double value) {
        return String.format(Locale.ROOT, "%.0f MB", value);
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder("| figure | measured | target | |\n|---|---|---|---|\n");
        for (Row row : rows) {
            out.append("| ").append(row.figure()).append(" | ").append(row.measured())
                    .append(row.note().isEmpty() ? "" : " — " + row.note()).append(" | ").append(row.target())
                    .append(" | ").append(row.verdict()).append(" |\n");
        }
        return out.toString();
    }

    private static String machine(String loadBefore, String loadAfter, Duration took) {
        return String.format(Locale.ROOT, "Machine: %d cores (nproc), kernel %s, JVM %s; load average (1/5/15 min) "
                        + "%s before, %s after; suite took %d s; agent JVM options: %s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"),
                System.getProperty("java.vm.version"), loadBefore, loadAfter, took.toSeconds(),
                System.getenv().getOrDefault("MINILAB_BENCH_JAVA_OPTS", "(launcher defaults)"));
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String commit(Path repo) {
        try {
            Process p = new ProcessBuilder("git", "-C", repo.toString(), "describe", "--always", "--dirty")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? text : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    static void progress(String text) {
        System.out.println("bench: " + text);
        System.out.flush();
    }
}
