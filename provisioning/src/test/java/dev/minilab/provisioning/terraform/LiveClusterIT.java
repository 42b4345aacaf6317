package dev.minilab.provisioning.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minilab.provisioning.TestRepo;
import dev.minilab.provisioning.backend.ApplyResult;
import dev.minilab.provisioning.backend.PlanResult;
import dev.minilab.provisioning.backend.Stage;
import dev.minilab.provisioning.cli.ProvisioningSetup;
import dev.minilab.provisioning.machine.Event;
import dev.minilab.provisioning.machine.State;
import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.ProvisionListener;
import dev.minilab.provisioning.pipeline.RunReport;
import dev.minilab.provisioning.pipeline.TransitionRecord;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.UsageSink;
import dev.minilab.provisioning.spec.ChangeSet;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.SpecReader;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.iac.ModuleChecks;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TerraformStandIn;
import dev.minilab.testkit.proxmox.ProxmoxApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Terraform target grounded in the live cluster, wired as {@code ./minilab provision} and the {@code provision}
 * tool wire it ({@link ProvisioningSetup}): the testkit's Proxmox API (HTTPS, test CA, PM_CA_FILE) is the cluster,
 * the shipped modules are the modules, the terraform stand-in (its invocations logged) or the real terraform runs.
 */
class LiveClusterIT {

    private static final String DEBIAN_12 = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";

    @TempDir
    Path workspace;
    private ProxmoxApiServer pve;
    private ScriptedLlmServer llm;
    private Path terraformLog;

    @BeforeEach
    void start() {
        pve = ProxmoxApiServer.start();
        llm = ScriptedLlmServer.start();
        terraformLog = workspace.resolve("terraform-invocations.log");
    }

    @AfterEach
    void stop() {
        llm.close();
        pve.close();
    }

    /** The settings a user's .env gives, plus the scripted LLM and the terraform to use. */
    private ProvisioningSetup setup(String terraform, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"),
                "HOME", workspace.resolve(".home").toString(), "MINILAB_HOME", TestRepo.root().toString(),
                "TERRAFORM_BIN", terraform, "TF_STANDIN_LOG", terraformLog.toString(),
                "OPENAI_API_BASE", llm.baseUrl(), "OPENAI_API_KEY", "test-key", "PROVISION_MAX_RETRIES", "1"));
        env.putAll(pve.env(workspace.resolve("pve-root-ca.pem")));
        env.putAll(extra);
        return new ProvisioningSetup(MiniLabConfig.from(env, workspace));
    }

    private Pipeline.Parts real(ProvisioningSetup setup) {
        return setup.terraform(setup.chatModel("m"), "m", ApprovalGate.specIsApproval(), UsageSink.none());
    }

    private String standIn() {
        return TerraformStandIn.install(workspace.resolve(".bin")).toString();
    }

    private List<String> terraformRuns() throws IOException {
        return Files.exists(terraformLog) ? Files.readAllLines(terraformLog) : List.of();
    }

    @Test
    void theDiagnosisSeesTheLiveInventoryAndAWrongStoragePoolIsRefusedBeforeTerraformRuns() throws IOException {
        llm.when(Rule.forRole("Provisioning_Diagnosis").once()).reply(Reply.text(
                "{\"cause\": \"local-zfs is not a storage of pve1\", \"changes\": {\"datastore_id\": \"local-lvm\"}}"));
        ProvisionSpec spec = SpecReader.parse("{\"name\": \"web\", \"kind\": \"lxc\", \"variables\": {\"node_name\": "
                + "\"pve1\", \"hostname\": \"web\", \"template_file_id\": \"" + DEBIAN_12 + "\", \"datastore_id\": "
                + "\"local-zfs\"}, \"checks\": {\"ssh\": false}}");

        RunReport report = new Pipeline(real(setup(standIn(), Map.of()))).run(spec, ProvisionListener.NONE,
                Cancellation.create());

        String refusal = "main.tf line 33: resource \"proxmox_virtual_environment_container\" \"this\" disk: "
                + "datastore_id \"local-zfs\" does not exist on node pve1; storages there that hold container disks "
                + "(content rootdir): local-lvm, nfs-shared";
        assertThat(report.transitions()).extracting(TransitionRecord::event).containsExactly(Event.TASK_RECEIVED,
                Event.APPLY_FAILED, Event.NEW_HYPOTHESIS, Event.APPLY_FAILED, Event.RETRY_CAP_HIT);
        assertThat(report.transitions().get(1).detail()).isEqualTo("MiniLab's checks before terraform failed "
                + "(exit 1): - " + refusal);
        // Attempt 1 never started terraform; attempt 2 (local-lvm) passed the checks and reached init, where the
        // stand-in (like a terraform that cannot download bpg/proxmox) stops.
        assertThat(terraformRuns()).containsExactly("validate -json -no-color", "init -input=false");
        assertThat(report.transitions().get(3).detail()).startsWith("terraform init failed (exit 1)");
        assertThat(pve.requests()).anyMatch(r -> r.pathAndQuery().equals("/api2/json/cluster/resources"))
                .allMatch(ProxmoxApiServer.Request::authorized);

        assertThat(llm.requests()).hasSize(1);
        String evidence = llm.requests().getFirst().lastMessage().content();
        assertThat(evidence).contains("Failing step: MiniLab's checks before terraform (exit code 1)")
                .contains(refusal)
                .contains("Cluster inventory:\nProxmox VE 8.3.0, cluster \"lab\", 3 node(s), 2 online")
                .contains("    local-lvm  lvmthin [images,rootdir]  90.0 / 380.0 GiB free")
                .contains("  " + DEBIAN_12 + "  on pve1,pve2")
                .contains("next free VMID: 109");
        assertThat(llm.requests()).noneMatch(r -> r.containsText(pve.tokenSecret()));

        // The deployment root the backend wrote passes the static checks on its own, without a single finding.
        Path root = workspace.resolve("generated_iac/infra/deployments/web");
        assertThat(ModuleChecks.offline(workspace.resolve("generated_iac/infra"))
                .check(ModuleChecks.Request.staticOnly(root)).findings()).isEmpty();
    }

    @Test
    void aVmSpecIsCheckedForItsTemplateAndEveryVmidItWouldTake() throws IOException {
        Pipeline.Parts parts = real(setup(standIn(), Map.of()));
        ProvisionSpec wrong = SpecReader.parse("{\"name\": \"app\", \"kind\": \"vm\", \"variables\": {\"node_name\": "
                + "\"pve2\", \"hostname\": \"app\", \"template_vmid\": 9999, \"template_node\": \"pve2\", "
                + "\"datastore_id\": \"local-lvm\", \"vm_id\": 104, \"instance_count\": 2}, \"checks\": {\"ssh\": false}}");

        PlanResult refused = parts.backend().plan(wrong, wrong.variables(), Cancellation.create());

        assertThat(refused).isInstanceOf(PlanResult.Failed.class);
        PlanResult.Failed failed = (PlanResult.Failed) refused;
        assertThat(failed.failure().stage()).isEqualTo(Stage.CHECKS);
        assertThat(failed.failure().output()).startsWith("3 problems found by MiniLab's checks")
                .contains("clone vm_id 9999 is not a VM in this cluster; VM templates: 9000 ubuntu-24.04-cloud (on "
                        + "pve1), 9001 debian-12-cloud (on pve2)")
                .contains("\"this\" [0]: vm_id 104 is already used by VM 104 \"gitlab\" on pve2; the next free VMID "
                        + "is 109")
                .contains("\"this\" [1]: vm_id 105 is already used by VM 105 \"old-test\" on pve2");
        assertThat(terraformRuns()).as("terraform never started").isEmpty();

        ProvisionSpec right = wrong.withVariables(wrong.variables().with(ChangeSet.ofPlain(Map.of("template_vmid", 9001,
                "vm_id", 200))));
        PlanResult passed = parts.backend().plan(right, right.variables(), Cancellation.create());

        assertThat(passed).as("the checks pass, terraform init is next").isInstanceOfSatisfying(PlanResult.Failed.class,
                f -> assertThat(f.failure().stage()).isEqualTo(Stage.INIT));
    }

    @Test
    void aClusterThatRefusesTheTokenEndsTheRunAsBrokenWithoutAnLlmCall() throws IOException {
        ProvisioningSetup setup = setup(standIn(), Map.of("PM_TOKEN_SECRET", "00000000-" + "0000-0000-0000-"
                + "000000000000"));
        Pipeline.Parts parts = real(setup);
        ProvisionSpec spec = SpecReader.parse("{\"name\": \"web\", \"kind\": \"lxc\", \"variables\": {\"node_name\": "
                + "\"pve1\", \"hostname\": \"web\", \"template_file_id\": \"" + DEBIAN_12 + "\"}, "
                + "\"checks\": {\"ssh\": false}}");

        RunReport report = new Pipeline(parts).run(spec, ProvisionListener.NONE, Cancellation.create());

        assertThat(report.status()).isEqualTo(State.FAILED);
        assertThat(report.transitions()).extracting(TransitionRecord::event).containsExactly(Event.TASK_RECEIVED,
                Event.BACKEND_BROKEN);
        assertThat(report.reason()).startsWith("cannot check the variables against the Proxmox cluster: GET "
                + "/api2/json/").contains("401").contains("PM_TOKEN_ID").doesNotContain("00000000-0000");
        assertThat(llm.requests()).isEmpty();
        assertThat(terraformRuns()).isEmpty();
        assertThat(parts.inventory().snapshot()).hasValueSatisfying(text -> assertThat(text)
                .startsWith("(the live inventory could not be read: GET /api2/json/").contains("401"));
    }

    @Test
    void pmApiUrlWithApi2JsonReachesTerraformAsTheProvidersEndpoint() throws IOException {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "needs a real terraform");
        // A module in the workspace overrides the shipped one: the same credential variables, terraform_data only.
        Path module = Files.createDirectories(workspace.resolve("generated_iac/infra/modules/proxmox-lxc"));
        Files.writeString(module.resolve("main.tf"), """
                variable "pm_api_url" {
                  type = string
                }

                variable "pm_token_id" {
                  type      = string
                  sensitive = true
                }

                variable "pm_token_secret" {
                  type      = string
                  sensitive = true
                }

                variable "node_name" {
                  type = string
                }

                variable "hostname" {
                  type = string
                }

                variable "template_file_id" {
                  type = string
                }

                resource "terraform_data" "endpoint" {
                  input = var.pm_api_url
                }

                output "ids" {
                  value = ["200"]
                }

                output "hostnames" {
                  value = [var.hostname]
                }

                output "ipv4_addresses" {
                  value = ["127.0.0.1"]
                }
                """);
        Pipeline.Parts parts = real(setup(TerraformStandIn.realTerraform().orElseThrow().toString(),
                Map.of("PM_API_URL", pve.url() + "/api2/json")));
        ProvisionSpec spec = SpecReader.parse("{\"name\": \"endpoint\", \"kind\": \"lxc\", \"variables\": "
                + "{\"node_name\": \"pve1\", \"hostname\": \"web\", \"template_file_id\": \"" + DEBIAN_12 + "\"}, "
                + "\"checks\": {\"ssh\": false}}");

        PlanResult planned = parts.backend().plan(spec, spec.variables(), Cancellation.create());
        assertThat(planned).as(String.valueOf(planned)).isInstanceOf(PlanResult.Planned.class);
        ApplyResult applied = parts.backend().apply(((PlanResult.Planned) planned).plan(), Cancellation.create());
        assertThat(applied).as(String.valueOf(applied)).isInstanceOf(ApplyResult.Applied.class);

        String state = Files.readString(workspace.resolve("generated_iac/infra/deployments/endpoint/terraform.tfstate"));
        assertThat(state).contains("\"" + pve.url() + "/\"").doesNotContain("api2/json");
    }
}
