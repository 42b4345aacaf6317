package dev.minilab.provisioning.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minilab.provisioning.TestRepo;
import dev.minilab.provisioning.spec.GuestKind;
import dev.minilab.runtime.iac.CheckReport;
import dev.minilab.runtime.iac.ModuleChecks;
import dev.minilab.testkit.TerraformStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shipped modules parse with the real terraform and carry what the issue asks for. */
class ShippedModulesIT {

    private final Path modules = TestRepo.root().resolve("generated_iac/infra/modules");

    @Test
    void modulesParseAndAreFormattedAccordingToTheRealTerraform() throws Exception {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "no terraform on PATH");
        Process fmt = new ProcessBuilder("terraform", "fmt", "-check", "-recursive", "-no-color", modules.toString())
                .redirectErrorStream(true).start();
        String output = new String(fmt.getInputStream().readAllBytes());
        assertThat(fmt.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(fmt.exitValue()).as(output).isZero();
    }

    @Test
    void eachModulePinsBpgProxmoxToOneMinorAndHasTheVariablesOutputsAndBackendExample() throws Exception {
        for (GuestKind kind : GuestKind.values()) {
            Path dir = modules.resolve(kind.module());
            String all = Files.readString(dir.resolve("versions.tf")) + Files.readString(dir.resolve("main.tf"))
                    + Files.readString(dir.resolve("variables.tf")) + Files.readString(dir.resolve("outputs.tf"))
                    + Files.readString(dir.resolve("provider.tf"));
            assertThat(all).contains("source  = \"bpg/proxmox\"").contains("version = \"~> 0.96.0\"")
                    .doesNotContainPattern("source\\s*=\\s*\"(hashicorp|telmate)/proxmox\"");
            for (String variable : new String[] {"node_name", "datastore_id", "bridge", "cores", "memory",
                    "disk_size", "tags", "instance_count", "ipv4_addresses", "ssh_public_keys"}) {
                assertThat(all).as(kind + " " + variable).contains("variable \"" + variable + "\"");
            }
            assertThat(all).contains(kind == GuestKind.LXC ? "variable \"template_file_id\"" : "variable \"template_vmid\"");
            for (String output : new String[] {"ids", "hostnames", "ipv4_addresses"}) {
                assertThat(all).contains("output \"" + output + "\"");
            }
            assertThat(all).contains("sensitive   = true").doesNotContainPattern("pm_token_secret\\s*=\\s*\"");
            assertThat(Files.readString(dir.resolve("backend.tf.example"))).contains("backend \"s3\"")
                    .contains("use_path_style");
        }
        assertThat(Files.readString(modules.resolve("proxmox-vm/main.tf"))).contains("clone {")
                .contains("agent {").contains("user_account {");
    }

    @Test
    void eachModulePassesMiniLabsTerraformChecksWithoutASingleFinding() {
        // issue 10's checks as run_terraform runs them before init: HCL parse, module sources, bpg/proxmox
        // allowlist, secrets (the deployment roots the Terraform backend writes are checked in LiveClusterIT).
        ModuleChecks checks = ModuleChecks.offline(modules.getParent());
        for (GuestKind kind : GuestKind.values()) {
            CheckReport report = checks.check(ModuleChecks.Request.staticOnly(modules.resolve(kind.module())));

            assertThat(report.findings()).as(kind + ": " + report.render()).isEmpty();
            assertThat(report.checked()).containsExactly("HCL parse", "module sources", "providers", "secrets");
        }
    }
}
