package dev.minilab.provisioning.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.provisioning.cli.ProvisioningSetup;
import dev.minilab.provisioning.machine.Event;
import dev.minilab.provisioning.machine.State;
import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.ProvisionListener;
import dev.minilab.provisioning.pipeline.RunReport;
import dev.minilab.provisioning.pipeline.TransitionRecord;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.UsageSink;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.SpecReader;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.testkit.LxcModuleStandIn;
import dev.minilab.testkit.TerraformStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's terraform runs as run_terraform's does (issue 15, issue 19): under the toolbox's bwrap sandbox (the
 * workspace's {@code .env} is not visible to terraform or its provisioners) and, on STOP, interrupted with SIGINT and
 * given the interrupt grace to write its state and release its lock. The real terraform on {@code terraform_data}
 * modules whose {@code local-exec} leaves evidence; wired through {@link ProvisioningSetup} as the tool and the CLI are.
 */
class PipelineSandboxIT {

    private static final String CANARY = "canary-" + Long.toHexString(System.nanoTime());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workspace;

    @BeforeEach
    void realTerraform() throws Exception {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "real terraform on PATH");
        Files.createDirectories(workspace.resolve("tmp"));
        Files.writeString(workspace.resolve(".env"), "OPENAI_API_KEY=" + CANARY + "\n");
    }

    @Test
    void terraformAndItsProvisionersRunInsideTheSandboxAndCannotReadTheEnvFile() throws Exception {
        module("cat " + workspace.resolve(".env") + " > " + evidence() + " 2>&1 || echo unreadable >> " + evidence());

        RunReport confined = pipeline(Map.of()).run(spec("seen"), ProvisionListener.NONE, Cancellation.create());
        String seenConfined = Files.readString(evidence());
        Files.delete(evidence());
        RunReport unconfined = pipeline(Map.of("MINILAB_SANDBOX", "none")).run(spec("seen-none"),
                ProvisionListener.NONE, Cancellation.create());

        assertThat(confined.status()).as(confined.summary()).isEqualTo(State.SUCCESS);
        assertThat(seenConfined).as("what the provisioner read under bwrap").doesNotContain(CANARY);
        assertThat(unconfined.status()).as(unconfined.summary()).isEqualTo(State.SUCCESS);
        assertThat(Files.readString(evidence())).as("the same module without the sandbox reads it (control)")
                .contains(CANARY);
    }

    @Test
    void stopMidApplyInterruptsTerraformWhichWritesItsStateAndReleasesItsLock() throws Exception {
        module("touch " + evidence() + "; sleep 120");
        Pipeline pipeline = pipeline(Map.of());
        Cancellation stop = Cancellation.create();
        CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() -> pipeline.run(spec("slow"),
                ProvisionListener.NONE, stop));
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(evidence()));

        stop.cancel();
        RunReport report = run.get(90, TimeUnit.SECONDS);

        Path deployment = workspace.resolve(TerraformBackend.DEPLOYMENTS).resolve("slow");
        assertThat(report.status()).isEqualTo(State.FAILED);
        assertThat(report.reason()).isEqualTo("cancelled (STOP)");
        assertThat(report.transitions()).extracting(TransitionRecord::event).endsWith(Event.CANCELLED);
        assertThat(report.lastFailure()).contains("stopped by STOP: terraform got SIGINT and ended by itself")
                .doesNotContain("KILLED");
        JsonNode state = JSON.readTree(deployment.resolve("terraform.tfstate").toFile());
        assertThat(state.path("resources").path(0).path("instances").path(0).path("status").asText())
                .as("terraform recorded the half-made resource: it ended by itself after SIGINT").isEqualTo("tainted");
        assertThat(deployment.resolve(".terraform.tfstate.lock.info")).as("lock released").doesNotExist();
        assertThat(report.llmCalls()).as("STOP is no failure to diagnose").isZero();
    }

    // ---- helpers ----

    private Pipeline pipeline(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", workspace.resolve(".home").toString());
        env.put("MINILAB_WORKSPACE", workspace.toString());
        env.put("TERRAFORM_BIN", TerraformStandIn.realTerraform().orElseThrow().toString());
        ProvisioningSetup setup = new ProvisioningSetup(MiniLabConfig.from(env, workspace));
        return new Pipeline(setup.terraform(setup.chatModel("unused"), "unused", ApprovalGate.specIsApproval(),
                UsageSink.none()));
    }

    private void module(String onApply) {
        LxcModuleStandIn.write(workspace.resolve("generated_iac/infra/modules/proxmox-lxc"), onApply);
    }

    private Path evidence() {
        return workspace.resolve("tmp/evidence.txt");
    }

    private static ProvisionSpec spec(String name) {
        return SpecReader.parse("{\"name\": \"" + name + "\", \"kind\": \"lxc\", \"variables\": {\"node_name\": "
                + "\"pve1\", \"hostname\": \"web\", \"template_file_id\": \"unused\"}, \"checks\": {\"ssh\": false}}");
    }
}
