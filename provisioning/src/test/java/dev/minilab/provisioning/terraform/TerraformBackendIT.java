package dev.minilab.provisioning.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.minilab.provisioning.TestRepo;
import dev.minilab.provisioning.backend.ApplyResult;
import dev.minilab.provisioning.backend.ModuleCatalog;
import dev.minilab.provisioning.backend.PlanResult;
import dev.minilab.provisioning.backend.Stage;
import dev.minilab.provisioning.diagnosis.LlmDiagnosis;
import dev.minilab.provisioning.eval.BaseSpecs;
import dev.minilab.provisioning.eval.Scenario;
import dev.minilab.provisioning.machine.Event;
import dev.minilab.provisioning.machine.State;
import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.PipelineSettings;
import dev.minilab.provisioning.pipeline.ProvisionListener;
import dev.minilab.provisioning.pipeline.RunReport;
import dev.minilab.provisioning.pipeline.TransitionRecord;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.CostMeter;
import dev.minilab.provisioning.ports.InventorySource;
import dev.minilab.provisioning.ports.UsageSink;
import dev.minilab.provisioning.simulated.AddressPlan;
import dev.minilab.provisioning.simulated.SimulatedBackend;
import dev.minilab.provisioning.simulated.SimulatedCluster;
import dev.minilab.provisioning.spec.GuestKind;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.SpecReader;
import dev.minilab.provisioning.validate.SshHostProbe;
import dev.minilab.provisioning.validate.Validator;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ChildEnvironment;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.terraform.ProviderCheck;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.runtime.tools.ssh.HostAllowlist;
import dev.minilab.runtime.tools.ssh.SshSettings;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.SshTarget;
import dev.minilab.testkit.TerraformStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Terraform backend against the real terraform binary (a module of terraform_data resources, no provider
 * download) and against the terraform stand-in printing the bpg/proxmox error text.
 */
class TerraformBackendIT {

    /** A module with the shipped modules' variables and outputs, built from terraform_data; storage 'local-zfs' fails. */
    private static final String MODULE = """
            variable "node_name" {
              type = string
            }

            variable "hostname" {
              type = string
            }

            variable "datastore_id" {
              type    = string
              default = "local-lvm"
            }

            variable "instance_count" {
              type    = number
              default = 1
            }

            variable "address" {
              type    = string
              default = "127.0.0.1"
            }

            resource "terraform_data" "this" {
              count = var.instance_count
              input = "${var.node_name}/${var.datastore_id}/${count.index}"

              lifecycle {
                precondition {
                  condition     = var.datastore_id != "local-zfs"
                  error_message = "Storage 'local-zfs' does not exist on ${var.node_name}."
                }
              }
            }

            output "ids" {
              value = [for i in range(var.instance_count) : tostring(200 + i)]
            }

            output "hostnames" {
              value = [for i in range(var.instance_count) : var.instance_count == 1 ? var.hostname : "${var.hostname}-${i + 1}"]
            }

            output "ipv4_addresses" {
              value = [for i in range(var.instance_count) : var.address]
            }
            """;

    @TempDir
    Path workspace;

    @Test
    void realTerraformAppliesTheSavedPlanAndReportsStateAndOutputs() throws Exception {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "no terraform on PATH");
        TerraformBackend backend = backend("terraform", Map.of());
        ProvisionSpec spec = spec("two", "{\"node_name\": \"pve1\", \"hostname\": \"web\", \"instance_count\": 2}");

        PlanResult planned = backend.plan(spec, spec.variables(), Cancellation.create());
        assertThat(planned).as(String.valueOf(planned)).isInstanceOf(PlanResult.Planned.class);
        PlanResult.Planned plan = (PlanResult.Planned) planned;
        assertThat(plan.plan().summary().add()).isEqualTo(2);
        assertThat(plan.plan().summary().planId()).matches("[0-9a-f]{16}");
        ApplyResult applied = backend.apply(plan.plan(), Cancellation.create());

        assertThat(applied).as(String.valueOf(applied)).isInstanceOf(ApplyResult.Applied.class);
        ApplyResult.Applied ok = (ApplyResult.Applied) applied;
        assertThat(ok.stateResources()).isEqualTo(2);
        assertThat(ok.guests()).extracting(g -> g.id() + " " + g.hostname() + " " + g.address())
                .containsExactly("200 web-1 127.0.0.1", "201 web-2 127.0.0.1");
        Path deployment = workspace.resolve("generated_iac/infra/deployments/two");
        assertThat(deployment.resolve("terraform.tfstate")).exists();
        assertThat(Files.readString(deployment.resolve("terraform.tfvars.json"))).contains("\"instance_count\" : 2");
        assertThat(planFilesLeft()).as("a plan is used up by its apply").isEmpty();
    }

    @Test
    void realTerraformFailureKeepsTerraformsRulerAndTheRealMessage() {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "no terraform on PATH");
        TerraformBackend backend = backend("terraform", Map.of());
        ProvisionSpec spec = spec("bad", "{\"node_name\": \"pve1\", \"hostname\": \"web\", \"datastore_id\": "
                + "\"local-zfs\"}");

        PlanResult planned = backend.plan(spec, spec.variables(), Cancellation.create());

        assertThat(planned).isInstanceOf(PlanResult.Failed.class);
        PlanResult.Failed failed = (PlanResult.Failed) planned;
        assertThat(failed.failure().stage()).isEqualTo(Stage.PLAN);
        assertThat(failed.failure().exitCode()).isEqualTo(1);
        assertThat(failed.failure().output()).contains("│ Error: Resource precondition failed")
                .contains("│ Storage 'local-zfs' does not exist on pve1.").contains("╵").doesNotContain("\u001B[");
    }

    @Test
    void pipelineOnRealTerraformDiagnosesAndFixesAFailureThenValidatesOverSsh(@TempDir Path sshDir) throws Exception {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "no terraform on PATH");
        try (SshTarget sshd = SshTarget.start(sshDir); ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Rule.forRole("Provisioning_Diagnosis").once()).reply(Reply.text(
                    "{\"cause\": \"storage local-zfs does not exist\", \"changes\": {\"datastore_id\": \"local-lvm\"}}"));
            String hostname = new String(new ProcessBuilder("hostname").start().getInputStream().readAllBytes()).strip();
            ProvisionSpec spec = SpecReader.parse("{\"name\": \"fixme\", \"kind\": \"lxc\", \"variables\": "
                    + "{\"node_name\": \"pve1\", \"hostname\": \"" + hostname + "\", \"datastore_id\": \"local-zfs\", "
                    + "\"address\": \"" + sshd.hostAndPort() + "\", \"template_file_id\": \"unused\"}, "
                    + "\"checks\": {\"ssh_user\": \"" + sshd.user() + "\", \"health_command\": \"true\"}}");
            TerraformBackend backend = backend("terraform", Map.of());
            Pipeline pipeline = new Pipeline(new Pipeline.Parts(backend,
                    new Validator(new SshHostProbe(new SshSettings(sshd.user(), sshd.clientKey(),
                            HostAllowlist.parse("127.0.0.1"), workspace.resolve("known_hosts"), Duration.ofSeconds(10),
                            Duration.ofSeconds(30))), Duration.ofSeconds(20)),
                    new LlmDiagnosis(OpenAiChatModel.builder().baseUrl(llm.baseUrl()).apiKey("k").modelName("m")
                            .maxRetries(0).build(), "m", t -> t),
                    ApprovalGate.specIsApproval(), InventorySource.none(), s -> catalog().variables(s.kind()),
                    CostMeter.unknown(), UsageSink.none(), new PipelineSettings(3, Duration.ofSeconds(20))));

            RunReport report = pipeline.run(spec, ProvisionListener.NONE, Cancellation.create());

            assertThat(report.status()).as(report.summary()).isEqualTo(State.SUCCESS);
            assertThat(report.target()).isEqualTo("terraform");
            assertThat(report.transitions()).extracting(TransitionRecord::event).containsExactly(Event.TASK_RECEIVED,
                    Event.APPLY_FAILED, Event.NEW_HYPOTHESIS, Event.APPLY_SUCCEEDED, Event.CHECKS_PASSED);
            assertThat(report.costUsd()).as("no price known for model m").isEmpty();
            assertThat(llm.requests().getFirst().lastMessage().content())
                    .contains("Storage 'local-zfs' does not exist on pve1.")
                    .contains("Module variables you may change: [address, datastore_id, hostname, instance_count, "
                            + "node_name]")
                    .contains("(not available: no Proxmox API client is configured)");
        }
    }

    @Test
    void standInPrintsTheBpgErrorAndTheBackendHandsItToTheDiagnosisUnchanged() throws Exception {
        // The provider's text for fail-simple, as the simulated target renders it from proxmox-facts.md section 3.
        SimulatedBackend simulated = new SimulatedBackend(SimulatedCluster.standard(), AddressPlan.dhcp(),
                ModuleCatalog.standard(List.of(TestRepo.root())));
        ProvisionSpec failSimple = Scenario.FAIL_SIMPLE.spec(BaseSpecs.lxc());
        PlanResult.Planned simPlan = (PlanResult.Planned) simulated.plan(failSimple, failSimple.variables(),
                Cancellation.create());
        String bpgError = ((ApplyResult.Failed) simulated.apply(simPlan.plan(), Cancellation.create())).failure()
                .output();
        Path errorFile = workspace.resolve("bpg-error.txt");
        Files.writeString(errorFile, bpgError);
        Path standIn = TerraformStandIn.install(workspace.resolve("bin"));
        TerraformBackend backend = backend(standIn.toString(), Map.of("TF_STANDIN_APPLY_ERROR_FILE",
                errorFile.toString()));
        ProvisionSpec spec = spec("standin", "{\"node_name\": \"pve1\", \"hostname\": \"web\"}");

        PlanResult.Planned first = (PlanResult.Planned) backend.plan(spec, spec.variables(), Cancellation.create());
        ApplyResult failed = backend.apply(first.plan(), Cancellation.create());

        assertThat(failed).isInstanceOf(ApplyResult.Failed.class);
        assertThat(((ApplyResult.Failed) failed).failure().stage()).isEqualTo(Stage.APPLY);
        assertThat(((ApplyResult.Failed) failed).failure().output()).isEqualTo(bpgError)
                .contains("│ Error: error creating container: the requested resource does not exist\n"
                        + "│ received an HTTP 500 response - Reason: storage 'local-zfs' does not exist\n");
        assertThat(planFilesLeft()).as("the failed attempt used the plan up").isEmpty();

        PlanResult.Planned second = (PlanResult.Planned) backend.plan(spec, spec.variables(), Cancellation.create());
        ApplyResult applied = backend.apply(second.plan(), Cancellation.create());
        assertThat(applied).as(String.valueOf(applied)).isInstanceOf(ApplyResult.Applied.class);
        assertThat(((ApplyResult.Applied) applied).stateResources()).isEqualTo(1);
    }

    @Test
    void theShippedProxmoxModuleIsNotRunWithoutCredentials() {
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"));
        TerraformBackend backend = new TerraformBackend(new TerraformBackend.Settings(workspace,
                ModuleCatalog.standard(List.of(TestRepo.root())), "terraform",
                ChildEnvironment.forTerraform(env, List.of()), Duration.ofMinutes(2), Optional.empty(),
                checks("terraform", env)));
        ProvisionSpec spec = BaseSpecs.lxc();

        PlanResult planned = backend.plan(spec, spec.variables(), Cancellation.create());

        assertThat(planned).isInstanceOf(PlanResult.Broken.class);
        assertThat(((PlanResult.Broken) planned).reason()).contains("PM_API_URL, PM_TOKEN_ID, PM_TOKEN_SECRET not set");
        assertThat(workspace.resolve("generated_iac/infra/deployments")).doesNotExist();
    }

    @Test
    void proxmoxCredentialsReachTerraformOnlyAsTfVars() {
        Map<String, String> env = ChildEnvironment.forTerraform(Map.of("PATH", "/usr/bin", "PM_API_URL",
                "https://pve1:8006/api2/json", "PM_TOKEN_ID", "t@pve!x", "PM_TOKEN_SECRET", "s3cr3t-value",
                "PM_TLS_INSECURE", "true", "OPENAI_API_KEY", "sk-" + "abc"), List.of());

        assertThat(env).containsEntry("TF_VAR_pm_api_url", "https://pve1:8006/")
                .containsEntry("TF_VAR_pm_token_secret", "s3cr3t-value").containsEntry("TF_VAR_pm_tls_insecure", "true")
                .doesNotContainKeys("PM_TOKEN_SECRET", "PM_API_URL", "OPENAI_API_KEY");
    }

    private TerraformBackend backend(String executable, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "TF_CLI_CONFIG_FILE")) {
            if (System.getenv(name) != null) {
                env.put(name, System.getenv(name));
            }
        }
        env.putAll(extraEnv);
        return new TerraformBackend(new TerraformBackend.Settings(workspace, catalog(), executable,
                ChildEnvironment.forTerraform(env, List.of()), Duration.ofMinutes(3), Optional.empty(),
                checks(executable, env)));
    }

    /** run_terraform's checks as an agent's toolbox makes them (no Proxmox configured here). */
    private ProviderCheck checks(String executable, Map<String, String> env) {
        return new ProviderCheck(new Toolbox(ToolboxSettings.fromEnv(workspace, env).withTerraformCommand(executable),
                Redactor.fromEnv(env)).moduleChecks());
    }

    private ModuleCatalog catalog() {
        try {
            Path module = Files.createDirectories(workspace.resolve("test-module"));
            Files.writeString(module.resolve("main.tf"), MODULE);
            return new ModuleCatalog(Map.of(GuestKind.LXC, module));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ProvisionSpec spec(String name, String variables) {
        String vars = variables.substring(0, variables.length() - 1) + ", \"template_file_id\": \"unused\"}";
        return SpecReader.parse("{\"name\": \"" + name + "\", \"kind\": \"lxc\", \"variables\": " + vars
                + ", \"checks\": {\"ssh\": false}}");
    }

    private List<Path> planFilesLeft() throws Exception {
        Path dir = workspace.resolve(".minilab/provision");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".tfplan")).toList();
        }
    }
}
