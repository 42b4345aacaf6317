package dev.minilab.runtime.iac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.proxmox.Inventory;
import dev.minilab.runtime.proxmox.ProxmoxException;
import dev.minilab.runtime.proxmox.TestInventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Terraform checks without terraform: providers (incl. .tf.json), module sources, secrets, and values against an
 * inventory shaped like the fixture's cluster (see {@link TestInventory#lab()}).
 */
class ModuleChecksTest {

    static final String PROVIDERS = """
            terraform {
              required_providers {
                proxmox = {
                  source  = "bpg/proxmox"
                  version = "~> 0.73"
                }
              }
            }
            """;

    @TempDir
    Path workspace;
    private Path infra;
    private Supplier<Inventory> inventory = () -> TestInventory.lab().build();

    @BeforeEach
    void setUp() throws IOException {
        infra = Files.createDirectories(workspace.resolve("generated_iac/infra"));
    }

    private Path module(String name, String file, String text) throws IOException {
        Path dir = Files.createDirectories(infra.resolve(name));
        Files.writeString(dir.resolve(file), text);
        return dir;
    }

    private CheckReport check(Path dir) {
        return new ModuleChecks(infra, Optional.of(inventory), Optional.empty(), Map.of())
                .check(new ModuleChecks.Request(dir, List.of(), true, false, null));
    }

    private static String vm(String body) {
        return PROVIDERS + "\nresource \"proxmox_virtual_environment_vm\" \"web\" {\n" + body + "\n}\n";
    }

    private static List<String> errors(CheckReport report) {
        return report.errors().stream().map(Finding::render).toList();
    }

    @Test
    void hashicorpProxmoxIsRefusedNamingTheRightSource() throws IOException {
        Path dir = module("web", "main.tf", PROVIDERS.replace("bpg/proxmox", "hashicorp/proxmox"));

        CheckReport report = check(dir);

        assertThat(report.passed()).isFalse();
        assertThat(errors(report)).containsExactly("main.tf line 3: provider source \"hashicorp/proxmox\" does not "
                + "exist (there is no hashicorp/proxmox provider): use source = \"bpg/proxmox\", e.g. "
                + ProviderRules.DECLARATION);
    }

    @Test
    void telmateIsRefusedWithItsBpgEquivalents() throws IOException {
        Path dir = module("web", "main.tf", """
                terraform {
                  required_providers {
                    proxmox = { source = "Telmate/proxmox" }
                  }
                }
                provider "proxmox" {
                  pm_api_url = "https://pve1:8006/api2/json"
                }
                resource "proxmox_vm_qemu" "web" {
                  target_node = "pve1"
                }
                """);

        List<String> errors = errors(check(dir));

        assertThat(errors).hasSize(3);
        assertThat(errors).anyMatch(e -> e.contains("\"Telmate/proxmox\" is not allowed: MiniLab supports only the "
                + "bpg/proxmox provider"));
        assertThat(errors).anyMatch(e -> e.startsWith("main.tf line 7: provider \"proxmox\" argument \"pm_api_url\" "
                + "belongs to the Telmate provider"));
        assertThat(errors).anyMatch(e -> e.contains("resource type \"proxmox_vm_qemu\" does not exist in bpg/proxmox")
                && e.contains("proxmox_virtual_environment_vm"));
    }

    @Test
    void proxmoxResourcesWithoutADeclaredSourceAreRefused() throws IOException {
        Path dir = module("web", "main.tf", "resource \"proxmox_virtual_environment_vm\" \"web\" {\n"
                + "  node_name = \"pve2\"\n}\n");

        assertThat(errors(check(dir))).singleElement().asString().contains("does not declare its source, so "
                + "terraform would look for hashicorp/proxmox").contains("child modules too");
    }

    @Test
    void tfJsonFilesAreCheckedToo() throws IOException {
        Path dir = module("web", "main.tf.json", """
                {"terraform": {"required_providers": {"proxmox": {"source": "hashicorp/proxmox"}}},
                 "resource": {"proxmox_virtual_environment_vm": {"web": {"node_name": "pve2"}}}}
                """);

        assertThat(errors(check(dir))).singleElement().asString()
                .startsWith("main.tf.json: provider source \"hashicorp/proxmox\" does not exist");
    }

    @Test
    void aLocalModuleOutsideTheAllowedRootIsRefusedWithTheReason() throws IOException {
        Path outside = Files.createDirectories(workspace.resolve("elsewhere/telmate"));
        Files.writeString(outside.resolve("main.tf"), PROVIDERS.replace("bpg/proxmox", "telmate/proxmox"));
        Path dir = module("web", "main.tf", PROVIDERS + """
                module "vm" {
                  source = "../../../elsewhere/telmate"
                }
                """);

        List<String> errors = errors(check(dir));

        assertThat(errors).singleElement().asString()
                .startsWith("main.tf line 9: module \"vm\" source \"../../../elsewhere/telmate\" resolves to "
                        + outside.toRealPath() + ", outside " + infra.toRealPath())
                .contains("MiniLab checks and plans only modules under generated_iac/infra");
    }

    @Test
    void aSymlinkLeavingTheRootIsRefusedToo() throws IOException {
        Path outside = Files.createDirectories(workspace.resolve("elsewhere/mod"));
        Files.writeString(outside.resolve("main.tf"), "");
        Files.createDirectories(infra.resolve("modules"));
        Files.createSymbolicLink(infra.resolve("modules/link"), outside);
        Path dir = module("web", "main.tf", "module \"vm\" {\n  source = \"../modules/link\"\n}\n");

        assertThat(errors(check(dir))).singleElement().asString().contains("outside " + infra.toRealPath());
    }

    @Test
    void localModulesInsideTheRootAreFollowedAndChecked() throws IOException {
        module("modules/old", "main.tf", "terraform {\n  required_providers {\n    proxmox = {\n"
                + "      source = \"telmate/proxmox\"\n    }\n  }\n}\n");
        Path dir = module("web", "main.tf", "module \"vm\" {\n  source = \"../modules/old\"\n}\n");

        assertThat(errors(check(dir))).singleElement().asString()
                .startsWith("../modules/old/main.tf line 3: provider source \"telmate/proxmox\" is not allowed");
    }

    @Test
    void secretsInTfFilesAreFlaggedButNotInTfvars() throws IOException {
        String token = "terraform@pve!minilab=" + "5f1e7c2a-0b9d-4e3f-a6c8-1d2e3f4a5b6c";
        Path dir = module("web", "main.tf", PROVIDERS + """
                variable "pm_token_id" {
                  default = "terraform@pve!minilab"
                }
                variable "pm_token_secret" {
                  type      = string
                  sensitive = true
                  default   = "5f1e7c2a-0b9d-4e3f-a6c8-1d2e3f4a5b6c"
                }
                variable "root_password" {
                  type = string
                }
                provider "proxmox" {
                  endpoint  = "https://pve1:8006/"
                  api_token = "%s"
                }
                """.formatted(token));
        Files.writeString(dir.resolve("terraform.tfvars"), "root_password = \"hunter2-from-tfvars\"\n");

        List<String> errors = errors(check(dir));

        assertThat(errors).hasSize(3);
        assertThat(errors).anyMatch(e -> e.startsWith("main.tf line 15: variable \"pm_token_secret\" has a secret as "
                + "its default in a .tf file") && e.contains("TF_VAR_pm_token_secret"));
        assertThat(errors).anyMatch(e -> e.startsWith("main.tf line 22: provider \"proxmox\" api_token is a literal "
                + "secret"));
        assertThat(errors).anyMatch(e -> e.startsWith("main.tf line 22: \"api_token\" holds what looks like a Proxmox "
                + "API token"));
    }

    @Test
    void aWrongStoragePoolIsRefusedBeforePlanWithTheValidNames() throws IOException {
        Path dir = module("web", "main.tf", vm("""
                  node_name = "pve2"
                  disk {
                    interface    = "scsi0"
                    datastore_id = "nope"
                    size         = 20
                  }
                """));

        assertThat(errors(check(dir))).containsExactly("main.tf line 14: resource \"proxmox_virtual_environment_vm\" "
                + "\"web\" disk: datastore_id \"nope\" does not exist on node pve2; storages there that hold VM disks "
                + "(content images): local-lvm, nfs-shared");
    }

    @Test
    void aStorageWithoutTheRightContentAndTheProvidersDefaultAreChecked() throws IOException {
        Inventory.Storage pve2Local = TestInventory.lab().build().storage("pve2", "local").orElseThrow();
        assertThat(pve2Local.holds("rootdir")).isFalse();
        Path vmDir = module("vm", "main.tf", vm("""
                  node_name = "pve2"
                  disk {
                    interface    = "scsi0"
                    datastore_id = "local"
                  }
                """));
        Path ctDir = module("ct", "main.tf", PROVIDERS + """
                resource "proxmox_virtual_environment_container" "dns" {
                  node_name = "pve2"
                  disk {
                    size = 8
                  }
                  operating_system {
                    template_file_id = "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst"
                  }
                }
                """);

        assertThat(errors(check(vmDir))).singleElement().asString().endsWith("datastore_id \"local\" on node pve2 "
                + "cannot hold VM disks (its content is backup,iso,vztmpl, images is needed); use local-lvm, "
                + "nfs-shared");
        List<String> ct = errors(check(ctDir));
        assertThat(ct).hasSize(2);
        assertThat(ct).anyMatch(e -> e.contains("datastore_id \"local\" (the provider's default, as datastore_id is "
                + "not set) on node pve2 cannot hold container disks"));
        assertThat(ct).anyMatch(e -> e.contains("template_file_id \"local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64"
                + ".tar.zst\" is not available on node pve2; container templates on pve2: "
                + "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"));
    }

    @Test
    void unknownAndOfflineNodesAreRefused() throws IOException {
        Path unknown = module("a", "main.tf", vm("  node_name = \"pve9\""));
        Path offline = module("b", "main.tf", vm("  node_name = \"pve3\""));

        assertThat(errors(check(unknown))).singleElement().asString().endsWith("node_name \"pve9\" is not a node of "
                + "this cluster; nodes: pve1 (online), pve2 (online), pve3 (offline)");
        assertThat(errors(check(offline))).singleElement().asString().endsWith("node_name \"pve3\" is offline; online "
                + "nodes: pve1, pve2 (place_workload picks one with room)");
    }

    @Test
    void aMissingTemplateAndATakenVmidAreRefused() throws IOException {
        Path dir = module("web", "main.tf", vm("""
                  node_name = "pve2"
                  vm_id     = 104
                  name      = "web-1"
                  clone {
                    vm_id = 9999
                  }
                """));

        List<String> errors = errors(check(dir));

        assertThat(errors).hasSize(2);
        assertThat(errors).anyMatch(e -> e.endsWith("clone vm_id 9999 is not a VM in this cluster; VM templates: "
                + "9000 ubuntu-24.04-cloud (on pve1), 9001 debian-12-cloud (on pve2)"));
        assertThat(errors).anyMatch(e -> e.endsWith("vm_id 104 is already used by VM 104 \"gitlab\" on pve2; the next "
                + "free VMID is 109 (or leave vm_id out and let Proxmox choose)"));
    }

    @Test
    void aVmidThisModulesStateHoldsIsNotAConflict() throws IOException {
        Path dir = module("web", "main.tf", vm("  node_name = \"pve2\"\n  vm_id = 104\n  name = \"gitlab\""));
        Path other = module("other", "main.tf", vm("  node_name = \"pve2\"\n  vm_id = 105\n  name = \"renamed\""));
        Files.writeString(other.resolve("terraform.tfstate"), """
                {"version": 4, "resources": [{"mode": "managed", "type": "proxmox_virtual_environment_vm",
                  "name": "web", "instances": [{"attributes": {"vm_id": 105, "name": "old-test"}}]}]}
                """);

        assertThat(check(dir).passed()).as(check(dir).render()).isTrue();
        assertThat(check(other).passed()).as(check(other).render()).isTrue();
    }

    @Test
    void aCloneFromLocalStorageOnAnotherNodeIsRefused() throws IOException {
        Path dir = module("web", "main.tf", vm("""
                  node_name = "pve1"
                  clone {
                    vm_id     = 9001
                    node_name = "pve1"
                  }
                """));

        List<String> errors = errors(check(dir));

        assertThat(errors).anyMatch(e -> e.endsWith("clone node_name \"pve1\" is not where VM 9001 is; it is on pve2: "
                + "write clone { node_name = \"pve2\" }"));
        assertThat(errors).anyMatch(e -> e.contains("has its disks on local-lvm of pve2 (not shared), so Proxmox can "
                + "clone it only on pve2, not on pve1"));
    }

    @Test
    void aValidModuleCallIsAcceptedAndItsArgumentsAreChecked() throws IOException {
        module("modules/proxmox-vm", "main.tf", PROVIDERS + """
                variable "node_name" {
                  type = string
                }
                variable "datastore_id" {
                  type    = string
                  default = "local-lvm"
                }
                variable "template_vmid" {
                  type = number
                }
                variable "vm_id" {
                  type    = number
                  default = null
                }
                resource "proxmox_virtual_environment_vm" "this" {
                  node_name = var.node_name
                  vm_id     = var.vm_id
                  clone {
                    vm_id = var.template_vmid
                  }
                  disk {
                    interface    = "scsi0"
                    datastore_id = var.datastore_id
                    size         = 20
                  }
                }
                """);
        String call = PROVIDERS + """
                module "web" {
                  source        = "../modules/proxmox-vm"
                  node_name     = "pve2"
                  datastore_id  = %s
                  template_vmid = 9000
                  vm_id         = 109
                }
                """;
        Path good = module("web", "main.tf", call.formatted("\"local-lvm\""));
        Path bad = module("bad", "main.tf", call.formatted("var.pool"));
        Files.writeString(bad.resolve("variables.tf"), "variable \"pool\" {\n  default = \"local-zfs\"\n}\n");

        CheckReport ok = check(good);
        CheckReport refused = check(bad);

        assertThat(ok.passed()).as(ok.render()).isTrue();
        assertThat(ok.findings()).isEmpty();
        assertThat(errors(refused)).singleElement().asString().isEqualTo("../modules/proxmox-vm/main.tf line 31: "
                + "resource \"proxmox_virtual_environment_vm\" \"this\" in module.web disk: datastore_id \"local-zfs\" "
                + "does not exist on node pve2; storages there that hold VM disks (content images): local-lvm, "
                + "nfs-shared");
    }

    @Test
    void valuesKnownOnlyToTerraformAreSkippedNotGuessed() throws IOException {
        Path dir = module("web", "main.tf", vm("""
                  count     = 2
                  node_name = "pve${count.index + 1}"
                  vm_id     = 200 + count.index
                  disk {
                    interface    = "scsi0"
                    datastore_id = lookup(var.pools, "web")
                  }
                """));

        CheckReport report = check(dir);

        assertThat(report.passed()).as(report.render()).isTrue();
    }

    @Test
    void eachInstanceOfACountedResourceHasItsVmidChecked() throws IOException {
        // The shipped modules' form: vm_id counts up from var.vm_id, or Proxmox picks when it is null.
        String module = vm("""
                  count     = var.instance_count
                  node_name = "pve2"
                  vm_id     = var.vm_id == null ? null : var.vm_id + count.index
                  name      = local.names[count.index]
                """) + """
                variable "instance_count" {
                  default = 3
                }
                variable "vm_id" {
                  default = null
                }
                locals {
                  names = [for i in range(var.instance_count) : "web-${i + 1}"]
                }
                """;
        Path dir = module("web", "main.tf", module);
        Files.writeString(dir.resolve("terraform.tfvars.json"), "{\"vm_id\": 103}");
        Path free = module("free", "main.tf", module);
        Files.writeString(free.resolve("terraform.tfvars.json"), "{\"vm_id\": 200}");
        Path picked = module("picked", "main.tf", module);

        assertThat(errors(check(dir))).containsExactly(
                "main.tf line 13: resource \"proxmox_virtual_environment_vm\" \"web\" [0]: vm_id 103 is already used "
                        + "by CT 103 \"proxy\" on pve2; the next free VMID is 109 (or leave vm_id out and let Proxmox "
                        + "choose)",
                "main.tf line 13: resource \"proxmox_virtual_environment_vm\" \"web\" [1]: vm_id 104 is already used "
                        + "by VM 104 \"gitlab\" on pve2; the next free VMID is 109 (or leave vm_id out and let Proxmox "
                        + "choose)",
                "main.tf line 13: resource \"proxmox_virtual_environment_vm\" \"web\" [2]: vm_id 105 is already used "
                        + "by VM 105 \"old-test\" on pve2; the next free VMID is 109 (or leave vm_id out and let "
                        + "Proxmox choose)");
        assertThat(check(free).passed()).as(check(free).render()).isTrue();
        assertThat(check(picked).passed()).as(check(picked).render()).isTrue();
    }

    @Test
    void tfvarsTfVarEnvAndVarArgumentsSetRootVariables() throws IOException {
        Path dir = module("web", "main.tf", vm("  node_name = var.node") + "variable \"node\" {\n  default = \"pve2\"\n}\n");
        Files.writeString(dir.resolve("terraform.tfvars"), "node = \"pve8\"\n");
        ModuleChecks withEnv = new ModuleChecks(infra, Optional.of(inventory), Optional.empty(),
                Map.of("TF_VAR_node", "pve7"));

        CheckReport fromTfvars = withEnv.check(new ModuleChecks.Request(dir, List.of(), true, false, null));
        CheckReport fromArg = withEnv.check(new ModuleChecks.Request(dir, List.of("-var=node=pve9"), true, false, null));

        assertThat(errors(fromTfvars)).singleElement().asString().contains("node_name \"pve8\"");
        assertThat(errors(fromArg)).singleElement().asString().contains("node_name \"pve9\"");
    }

    @Test
    void anUnreachableClusterIsAnErrorThatSaysWhatToFix() throws IOException {
        inventory = () -> {
            throw new ProxmoxException("GET /api2/json/version", 401, "GET /api2/json/version → 401 Unauthorized: "
                    + "check PM_TOKEN_ID and PM_TOKEN_SECRET");
        };
        Path dir = module("web", "main.tf", vm("  node_name = \"pve2\""));

        assertThat(errors(check(dir))).singleElement().asString().isEqualTo("cannot check against the Proxmox "
                + "cluster: GET /api2/json/version → 401 Unauthorized: check PM_TOKEN_ID and PM_TOKEN_SECRET");
        assertThat(new ModuleChecks(infra, Optional.of(inventory), Optional.empty(), Map.of())
                .check(new ModuleChecks.Request(dir, List.of(), false, false, null)).passed()).isTrue();
    }

    @Test
    void aModuleWithoutProxmoxNeedsNoCluster() throws IOException {
        inventory = () -> {
            throw new AssertionError("the inventory must not be read for a module without Proxmox resources");
        };
        Path dir = module("web", "main.tf", "resource \"terraform_data\" \"x\" {\n  input = \"hello\"\n}\n");

        assertThat(check(dir).passed()).isTrue();
    }
}
