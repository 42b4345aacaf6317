package dev.minilab.provisioning.cli;

import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.provisioning.pipeline.ExecutionLogListener;
import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.ProvisionListener;
import dev.minilab.provisioning.pipeline.RunReport;
import dev.minilab.provisioning.pipeline.TransitionRecord;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.UsageSink;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.SpecReader;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.log.ExecutionLog;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code ./minilab provision SPEC.json [--target real|simulated]}: runs one spec through the pipeline, printing each
 * transition, writing them to {@code docs/execution_log_provision.md}, and ending with the run's summary. Exit codes:
 * 0 SUCCESS, 1 FAILED, 2 bad usage, spec or configuration.
 */
public final class ProvisionMain {

    static final String USAGE = "usage: ./minilab provision SPEC.json [--target real|simulated]  (default real: "
            + "terraform on the Proxmox cluster of PM_API_URL)";

    private ProvisionMain() {
    }

    public static void main(String[] args) {
        System.setProperty("io.netty.noUnsafe", "true");
        System.exit(run(args, System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> processEnv, Path cwd, PrintStream out, PrintStream err) {
        String specFile = null;
        ProvisioningSetup.Target target = ProvisioningSetup.Target.REAL;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--target" -> target = ProvisioningSetup.Target.parse(value(args, ++i, "--target"));
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> {
                        if (args[i].startsWith("-") || specFile != null) {
                            throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                        }
                        specFile = args[i];
                    }
                }
            }
            if (specFile == null) {
                throw new IllegalArgumentException("which spec? give the path of a spec JSON file");
            }
        } catch (IllegalArgumentException e) {
            err.println("minilab provision: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        ProvisioningSetup setup;
        ProvisionSpec spec;
        try {
            setup = new ProvisioningSetup(MiniLabConfig.from(MiniLabConfig.load(processEnv, cwd), cwd));
            spec = SpecReader.read(cwd.resolve(specFile));
        } catch (MiniLabException e) {
            err.println("minilab provision: " + e.getMessage());
            return 2;
        }
        String model = setup.diagnosisModel("DevOps_Builder");
        ChatModel chat = setup.chatModel(model);
        Pipeline.Parts parts = target == ProvisioningSetup.Target.REAL
                ? setup.terraform(chat, model, ApprovalGate.specIsApproval(), UsageSink.none())
                : setup.simulated(chat, model, UsageSink.none());
        ExecutionLog log = new ExecutionLog("provision", setup.config().workspace().resolve("docs"),
                setup.redactor()::redact);
        ProvisionListener printer = new ProvisionListener() {
            @Override
            public void transition(TransitionRecord transition) {
                out.println(setup.redactor().redact(transition.statusLine()));
                out.flush();
            }

            @Override
            public void note(String deployment, String text) {
                out.println("  " + setup.redactor().redact(text));
                out.flush();
            }
        };
        Cancellation cancellation = Cancellation.create();
        Runtime.getRuntime().addShutdownHook(new Thread(cancellation::cancel, "provision-stop"));
        log.startTurn("User", "./minilab provision " + specFile + " --target " + target.name().toLowerCase());
        RunReport report = new Pipeline(parts).run(spec, ProvisionListener.all(List.of(printer,
                new ExecutionLogListener(log))), cancellation);
        log.outcome(report.status().name(), report.summary());
        out.println();
        out.print(setup.redactor().redact(report.summary()));
        out.println("execution log: " + log.markdownPath());
        if (report.status().name().equals("FAILED") && report.reason().contains("PM_")) {
            err.println("minilab provision: " + report.reason());
        }
        return report.succeeded() ? 0 : 1;
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
