package dev.minilab.provisioning.eval;

import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.ProvisionListener;
import dev.minilab.provisioning.pipeline.RunReport;
import dev.minilab.provisioning.spec.GuestKind;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.runtime.control.Cancellation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Runs each scenario with each model through a fresh pipeline (seed 000's eval harness) and collects one
 * {@link EvalRun} per pair. A progress line is printed when a run starts and when it ends.
 */
public final class EvalHarness {

    /** Makes the pipeline for one run from the model name (fresh simulated cluster per run, or the real target). */
    private final BiFunction<String, Scenario, Pipeline> pipelines;
    private final Map<GuestKind, ProvisionSpec> bases;
    private final PrintStream progress;
    /** Called after each run on the real target to leave nothing behind. */
    private final BiFunction<Scenario, RunReport, String> cleanup;

    public EvalHarness(BiFunction<String, Scenario, Pipeline> pipelines, Map<GuestKind, ProvisionSpec> bases,
                       PrintStream progress, BiFunction<Scenario, RunReport, String> cleanup) {
        this.pipelines = pipelines;
        this.bases = Map.copyOf(bases);
        this.progress = progress;
        this.cleanup = cleanup;
    }

    public List<EvalRun> run(List<String> models, List<Scenario> scenarios, Cancellation cancellation) {
        List<EvalRun> runs = new ArrayList<>();
        int total = models.size() * scenarios.size();
        int index = 0;
        for (Scenario scenario : scenarios) {
            for (String model : models) {
                cancellation.throwIfCancelled();
                index++;
                progress.printf("eval [%d/%d] %s × %s: running (%s)%n", index, total, scenario.id(), model,
                        scenario.description());
                progress.flush();
                ProvisionSpec spec = scenario.spec(bases.get(scenario.kind()));
                RunReport report = pipelines.apply(model, scenario).run(spec, ProvisionListener.NONE, cancellation);
                EvalRun run = EvalRun.of(scenario, model, report);
                runs.add(run);
                progress.println(EvalReport.progress(index, total, run)
                        + (report.succeeded() ? "" : " — " + oneLine(report.reason())));
                String cleaned = cleanup.apply(scenario, report);
                if (cleaned != null && !cleaned.isBlank()) {
                    progress.println("eval [" + index + "/" + total + "] cleanup: " + oneLine(cleaned));
                }
                progress.flush();
            }
        }
        return runs;
    }

    private static String oneLine(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "…";
    }
}
