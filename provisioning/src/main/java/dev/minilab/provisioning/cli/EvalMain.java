package dev.minilab.provisioning.cli;

import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.provisioning.eval.BaseSpecs;
import dev.minilab.provisioning.eval.EvalHarness;
import dev.minilab.provisioning.eval.EvalReport;
import dev.minilab.provisioning.eval.EvalRun;
import dev.minilab.provisioning.eval.Scenario;
import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.PipelineSettings;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.UsageSink;
import dev.minilab.provisioning.spec.GuestKind;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.SpecReader;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.control.CancelledException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./minilab eval [--model M]... [--scenario S]... [--target simulated|real] [--out DIR]
 * [--lxc-spec F --vm-spec F]}: the six fault scenarios per model; prints a progress line per run, then the table,
 * and writes {@code DIR/eval-<timestamp>.json}. Defaults: the configured model (LLM_MODEL), all scenarios, simulated,
 * {@code docs/eval/}. {@code --target real} needs correct base specs for the user's cluster ({@code --lxc-spec},
 * {@code --vm-spec}); the faults are written over them and every deployment is destroyed after its run.
 * Exit codes: 0 the harness ran (FAILED scenarios are results, not errors), 2 bad usage or configuration,
 * 130 interrupted.
 */
public final class EvalMain {

    static final String USAGE = "usage: ./minilab eval [--model M]... [--scenario S]... [--target simulated|real] "
            + "[--out DIR] [--lxc-spec F --vm-spec F]\n  scenarios: " + String.join(", ", Scenario.ids());

    private EvalMain() {
    }

    public static void main(String[] args) {
        System.setProperty("io.netty.noUnsafe", "true");
        System.exit(run(args, System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> processEnv, Path cwd, PrintStream out, PrintStream err) {
        List<String> models = new ArrayList<>();
        LinkedHashSet<Scenario> scenarios = new LinkedHashSet<>();
        ProvisioningSetup.Target target = ProvisioningSetup.Target.SIMULATED;
        String outDir = null;
        String lxcSpec = null;
        String vmSpec = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--model" -> models.add(ProvisionMain.value(args, ++i, "--model"));
                    case "--scenario" -> {
                        String id = ProvisionMain.value(args, ++i, "--scenario");
                        scenarios.add(Scenario.parse(id).orElseThrow(() -> new IllegalArgumentException(
                                "unknown scenario '" + id + "'")));
                    }
                    case "--target" -> target = ProvisioningSetup.Target.parse(ProvisionMain.value(args, ++i, "--target"));
                    case "--out" -> outDir = ProvisionMain.value(args, ++i, "--out");
                    case "--lxc-spec" -> lxcSpec = ProvisionMain.value(args, ++i, "--lxc-spec");
                    case "--vm-spec" -> vmSpec = ProvisionMain.value(args, ++i, "--vm-spec");
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                }
            }
            if (target == ProvisioningSetup.Target.REAL && (lxcSpec == null || vmSpec == null)) {
                throw new IllegalArgumentException("--target real needs --lxc-spec and --vm-spec: correct specs for "
                        + "your cluster that the scenarios' faults are written over");
            }
        } catch (IllegalArgumentException e) {
            err.println("minilab eval: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        ProvisioningSetup setup;
        Map<GuestKind, ProvisionSpec> bases = new EnumMap<>(GuestKind.class);
        try {
            setup = new ProvisioningSetup(MiniLabConfig.from(MiniLabConfig.load(processEnv, cwd), cwd));
            if (target == ProvisioningSetup.Target.REAL) {
                bases.put(GuestKind.LXC, SpecReader.read(cwd.resolve(lxcSpec)));
                bases.put(GuestKind.VM, SpecReader.read(cwd.resolve(vmSpec)));
            } else {
                bases.put(GuestKind.LXC, BaseSpecs.lxc());
                bases.put(GuestKind.VM, BaseSpecs.vm());
            }
        } catch (MiniLabException e) {
            err.println("minilab eval: " + e.getMessage());
            return 2;
        }
        if (models.isEmpty()) {
            models.add(setup.config().get("LLM_MODEL", MiniLabConfig.DEFAULT_MODEL));
        }
        List<Scenario> chosen = scenarios.isEmpty() ? List.of(Scenario.values()) : List.copyOf(scenarios);
        Path dir = outDir == null ? setup.config().workspace().resolve("docs/eval") : cwd.resolve(outDir);
        boolean real = target == ProvisioningSetup.Target.REAL;
        // The parts of the run in progress: its backend destroys what the run created on the real target.
        AtomicReference<Pipeline.Parts> current = new AtomicReference<>();
        EvalHarness harness = new EvalHarness((model, scenario) -> {
            ChatModel chat = setup.chatModel(model);
            Pipeline.Parts parts = real
                    ? setup.terraform(chat, model, ApprovalGate.specIsApproval(), UsageSink.none())
                    : setup.simulated(chat, model, UsageSink.none());
            current.set(parts);
            return new Pipeline(parts);
        }, bases, out, (scenario, report) -> real
                ? current.get().backend().destroy(scenario.spec(bases.get(scenario.kind())), report.variables(),
                        Cancellation.create()).output()
                : null);
        Cancellation cancellation = Cancellation.create();
        Thread hook = new Thread(cancellation::cancel, "eval-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("eval: target " + target.name().toLowerCase() + ", models " + models + ", " + chosen.size()
                + " scenario(s), PROVISION_MAX_RETRIES=" + setup.settings().maxRetries()
                + (setup.settings().maxRetries() == PipelineSettings.DEFAULT_MAX_RETRIES ? " (default)" : ""));
        List<EvalRun> runs;
        try {
            runs = harness.run(models, chosen, cancellation);
        } catch (CancelledException e) {
            err.println("minilab eval: interrupted; no report written");
            return 130;
        }
        out.println();
        out.print(EvalReport.table(runs));
        try {
            Path file = EvalReport.write(dir, real ? "real" : "simulated", runs, Instant.now());
            out.println("report: " + file);
        } catch (IOException e) {
            err.println("minilab eval: cannot write the report into " + dir + ": " + e.getMessage());
            return 2;
        }
        return 0;
    }
}
