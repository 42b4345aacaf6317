package dev.minilab.provisioning.pipeline;

import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.minilab.provisioning.TestRepo;
import dev.minilab.provisioning.backend.ModuleCatalog;
import dev.minilab.provisioning.diagnosis.LlmDiagnosis;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.CostMeter;
import dev.minilab.runtime.llm.PriceTable;
import dev.minilab.provisioning.ports.UsageSink;
import dev.minilab.provisioning.simulated.AddressPlan;
import dev.minilab.provisioning.simulated.SimulatedBackend;
import dev.minilab.provisioning.simulated.SimulatedCluster;
import dev.minilab.provisioning.spec.ChangeSet;
import dev.minilab.provisioning.spec.Checks;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.validate.SshHostProbe;
import dev.minilab.provisioning.validate.Validator;
import dev.minilab.runtime.tools.ssh.HostAllowlist;
import dev.minilab.runtime.tools.ssh.SshSettings;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.SshTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline on the simulated backend whose guests all answer at a real sshd (this machine is "the host"), with
 * the diagnosis through the real langchain4j client against the scripted LLM.
 */
final class PipelineFixture {

    static final String MODEL = "scripted-model";

    final SimulatedCluster cluster = SimulatedCluster.standard();
    final SimulatedBackend backend;
    final Pipeline pipeline;
    /** The machine's real hostname and OS, so that a correct spec passes the identity check against the sshd. */
    final String hostname;
    final String os;

    PipelineFixture(SshTarget sshd, ScriptedLlmServer llm, Path dir, int maxRetries) {
        backend = new SimulatedBackend(cluster, AddressPlan.fixed(sshd.hostAndPort()),
                ModuleCatalog.standard(List.of(TestRepo.root())));
        SshSettings ssh = new SshSettings(sshd.user(), sshd.clientKey(), HostAllowlist.parse("127.0.0.1"),
                dir.resolve("known_hosts"), Duration.ofSeconds(10), Duration.ofSeconds(30));
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(llm.baseUrl()).apiKey("test").modelName(MODEL)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        pipeline = new Pipeline(new Pipeline.Parts(backend,
                new Validator(new SshHostProbe(ssh), Duration.ofSeconds(20)),
                new LlmDiagnosis(model, MODEL, text -> text),
                ApprovalGate.specIsApproval(), backend.inventory(), spec -> spec.kind().variables(),
                CostMeter.of(PriceTable.fromEnv(java.util.Map.of("LLM_PRICES", MODEL + "=2.00:8.00"))), UsageSink.none(),
                new PipelineSettings(maxRetries, Duration.ofSeconds(20))));
        hostname = run("hostname");
        os = osRelease();
    }

    /** A scenario's spec made to fit the sshd host: its hostname, its OS, a health command without systemd. */
    ProvisionSpec onThisHost(ProvisionSpec spec) {
        ProvisionSpec named = spec.withVariables(spec.variables().with(ChangeSet.ofPlain(Map.of("hostname", hostname))));
        return named.withChecks(new Checks(true, Optional.of(System.getProperty("user.name")), Optional.of(os),
                "test -r /etc/os-release"));
    }

    private static String osRelease() {
        try {
            String id = "";
            String version = "";
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("ID=")) {
                    id = line.substring(3).replace("\"", "");
                } else if (line.startsWith("VERSION_ID=")) {
                    version = line.substring(11).replace("\"", "");
                }
            }
            return (id + " " + version).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(String command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
