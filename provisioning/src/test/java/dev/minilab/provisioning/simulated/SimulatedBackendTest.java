package dev.minilab.provisioning.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.provisioning.TestRepo;
import dev.minilab.provisioning.backend.ApplyResult;
import dev.minilab.provisioning.backend.ModuleCatalog;
import dev.minilab.provisioning.backend.PlanResult;
import dev.minilab.provisioning.eval.BaseSpecs;
import dev.minilab.provisioning.spec.ChangeSet;
import dev.minilab.provisioning.spec.GuestKind;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.proxmox.InventoryText;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.junit.jupiter.api.Test;

/**
 * The simulated target reproduces the bpg/proxmox 0.96 error texts of proxmox-facts.md section 3, printed as terraform
 * prints them, in the order Proxmox VE checks.
 */
class SimulatedBackendTest {

    private final SimulatedCluster cluster = SimulatedCluster.standard();
    private final SimulatedBackend backend = new SimulatedBackend(cluster, AddressPlan.dhcp(),
            ModuleCatalog.standard(List.of(TestRepo.root())));

    @Test
    void theDiagnosisSeesTheSimulatedClusterRenderedLikeALiveInventory() {
        String text = backend.inventory().snapshot().orElseThrow();

        assertThat(text).startsWith("Proxmox VE 8.3.0, cluster \"simulated\", 2 node(s), 2 online (read ")
                .contains("  pve1  online  8 CPUs (1x8 cores)  cpu 10%  memory 8.0 / 32.0 GiB used (25%)")
                .contains("  pve2:\n    local  dir [backup,iso,vztmpl]  80.0 / 100.0 GiB free\n"
                        + "    local-lvm  lvmthin [images,rootdir]  300.0 / 400.0 GiB free\n")
                .contains("VM templates (clone { vm_id }):\n  9000  ubuntu-2404-cloudinit  on pve1\n")
                .contains("  local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst  on pve1,pve2\n")
                .contains("  100  vm  gateway  pve1  running\n  101  ct  dns  pve2  running\n")
                .endsWith("next free VMID: 102\n");
        // The same renderer as proxmox_inventory and ./minilab inventory (issue 10), not a second format.
        assertThat(text.substring(text.indexOf('\n')))
                .isEqualTo(InventoryText.render(cluster.inventory()).substring(text.indexOf('\n')));
    }

    @Test
    void missingRootfsStorageIsTheSynchronousCreateErrorWithTheDoesNotExistSentinel() {
        String stderr = failedApply(lxc(Map.of("datastore_id", "local-zfs")));

        assertThat(stderr).isEqualTo("""
                ╷
                │ Error: error creating container: the requested resource does not exist
                │ received an HTTP 500 response - Reason: storage 'local-zfs' does not exist
                │\s
                │   with proxmox_virtual_environment_container.this[0],
                │   on main.tf line 8, in resource "proxmox_virtual_environment_container" "this":
                │    8: resource "proxmox_virtual_environment_container" "this" {
                │\s
                ╵
                """);
    }

    @Test
    void missingTemplateFileFailsInTheCreateTask() {
        String stderr = failedApply(lxc(Map.of("template_file_id", "local:vztmpl/missing.tar.zst")));

        assertThat(stderr).containsPattern("│ Error: error waiting for container created: task \"UPID:pve1:[0-9A-F]{8}:"
                + "[0-9A-F]{8}:[0-9A-F]{8}:vzcreate:102:root@pam!minilab:\" failed to complete with exit code: unable to "
                + "create CT 102 - can't find file 'local:vztmpl/missing.tar.zst'\n");
    }

    @Test
    void missingBridgeFailsAtStartLeavesATaintedContainerThatTheNextApplyReplaces() {
        ProvisionSpec bad = lxc(Map.of("bridge", "vmbr99"));
        String stderr = failedApply(bad, false);

        assertThat(stderr).containsPattern("│ Error: error waiting for container start: task \"UPID:pve1:[^\"]*:vzstart:102:"
                + "root@pam!minilab:\" failed to complete with exit code: startup for container '102' failed\n");
        assertThat(backend.stateCount(bad.name())).isEqualTo(1);

        ProvisionSpec fixed = bad.withVariables(bad.variables().with(ChangeSet.ofPlain(Map.of("bridge", "vmbr0"))));
        PlanResult.Planned plan = (PlanResult.Planned) backend.plan(fixed, fixed.variables(), Cancellation.create());
        assertThat(plan.plan().summary().add()).isEqualTo(1);
        assertThat(plan.plan().summary().destroy()).isEqualTo(1);
        ApplyResult applied = backend.apply(plan.plan(), Cancellation.create());
        assertThat(applied).isInstanceOf(ApplyResult.Applied.class);
        assertThat(((ApplyResult.Applied) applied).stateResources()).isEqualTo(1);
        assertThat(cluster.findGuest(102)).hasValueSatisfying(g -> assertThat(g.running()).isTrue());
    }

    @Test
    void vmCloneOfAMissingTemplateIsWrappedByTheRetryLoop() {
        String stderr = failedApply(vm(Map.of("template_vmid", 9999)));

        assertThat(stderr).contains("""
                │ Error: error waiting for VM clone: All attempts fail:
                │ #1: error cloning VM: received an HTTP 500 response - Reason: unable to find configuration file for VM 9999 on node 'pve1'
                │\s
                │   with proxmox_virtual_environment_vm.this[0],
                │   on main.tf line 9, in resource "proxmox_virtual_environment_vm" "this":
                │    9: resource "proxmox_virtual_environment_vm" "this" {
                """);
    }

    @Test
    void badTemplateIsReportedBeforeBadStorageAsTheServerChecksInThatOrder() {
        String both = failedApply(vm(Map.of("template_vmid", 9999, "datastore_id", "local-zfs")));
        String storageOnly = failedApply(vm(Map.of("datastore_id", "local-zfs")));

        assertThat(both).contains("unable to find configuration file for VM 9999").doesNotContain("local-zfs");
        assertThat(storageOnly).contains("""
                │ #1: error cloning VM: the requested resource does not exist
                │ received an HTTP 500 response - Reason: storage 'local-zfs' does not exist
                """);
    }

    @Test
    void vmWithAMissingBridgeFailsAtStartWithTheQemuServer9Text() {
        String stderr = failedApply(vm(Map.of("bridge", "vmbr99")));

        assertThat(stderr).containsPattern("│ Error: error waiting for VM start: task \"UPID:pve1:[^\"]*:qmstart:102:"
                + "root@pam!minilab:\" failed to complete with exit code: bridge 'vmbr99' does not exist\n");
    }

    @Test
    void complexFaultsSurfaceOneAtATimeInTheServersOrder() {
        Map<String, Object> faults = Map.of("datastore_id", "local-zfs",
                "template_file_id", "local:vztmpl/debian-11-standard_11.7-1_amd64.tar.zst", "bridge", "vmbr1");
        assertThat(failedApply(lxc(faults))).contains("storage 'local-zfs' does not exist")
                .doesNotContain("can't find file").doesNotContain("startup for container");
        assertThat(failedApply(lxc(without(faults, "datastore_id")))).contains("can't find file")
                .doesNotContain("startup");
        assertThat(failedApply(lxc(Map.of("bridge", "vmbr1")))).contains("startup for container");
    }

    @Test
    void vmidInUseAndUnknownNodeCarryTheServersWords() {
        assertThat(failedApply(lxc(Map.of("vm_id", 101))))
                .contains("│ Error: error creating container: received an HTTP 500 response - Reason: CT 101 already "
                        + "exists on node 'pve2'\n");
        assertThat(failedApply(lxc(Map.of("vm_id", 100)))).contains("Reason: VM 100 already exists on node 'pve1'");
        assertThat(failedApply(lxc(Map.of("node_name", "pve9"))))
                .contains("│ Error: error creating container: received an HTTP 500 response - Reason: hostname lookup "
                        + "'pve9' failed - failed to get address info for: pve9: Name or service not known\n");
        assertThat(failedApply(lxc(Map.of("datastore_id", "local"))))
                .contains("Reason: Parameter verification failed. (storage: storage 'local' does not support "
                        + "container directories)");
    }

    @Test
    void correctSpecsSucceedWithGuestsFromTheOutputs() {
        for (ProvisionSpec spec : List.of(BaseSpecs.lxc(), BaseSpecs.vm())) {
            PlanResult.Planned plan = (PlanResult.Planned) backend.plan(spec, spec.variables(), Cancellation.create());
            ApplyResult.Applied applied = (ApplyResult.Applied) backend.apply(plan.plan(), Cancellation.create());
            assertThat(applied.stateResources()).isEqualTo(1);
            assertThat(applied.guests()).singleElement().satisfies(g -> {
                assertThat(g.hostname()).isEqualTo(spec.variables().text("hostname"));
                assertThat(g.address()).startsWith("10.20.0.");
            });
        }
    }

    @Test
    void resourceLinesOfTheShippedModulesMatchTheFallbackUsedWithoutThem() {
        ModuleCatalog none = new ModuleCatalog(Map.of());
        ModuleCatalog shipped = ModuleCatalog.standard(List.of(TestRepo.root()));
        for (GuestKind kind : GuestKind.values()) {
            assertThat(none.resourceLine(kind)).isEqualTo(shipped.resourceLine(kind));
            assertThat(shipped.variables(kind)).isEqualTo(kind.variables());
        }
    }

    private String failedApply(ProvisionSpec spec) {
        return failedApply(spec, true);
    }

    private String failedApply(ProvisionSpec spec, boolean destroyAfter) {
        PlanResult planned = backend.plan(spec, spec.variables(), Cancellation.create());
        ApplyResult result = backend.apply(((PlanResult.Planned) planned).plan(), Cancellation.create());
        assertThat(result).isInstanceOf(ApplyResult.Failed.class);
        if (destroyAfter) {
            backend.destroy(spec, spec.variables(), Cancellation.create());
        }
        return ((ApplyResult.Failed) result).failure().output();
    }

    private static ProvisionSpec lxc(Map<String, Object> faults) {
        ProvisionSpec base = BaseSpecs.lxc();
        return base.withVariables(base.variables().with(ChangeSet.ofPlain(faults)));
    }

    private static ProvisionSpec vm(Map<String, Object> faults) {
        ProvisionSpec base = BaseSpecs.vm();
        return base.withVariables(base.variables().with(ChangeSet.ofPlain(faults)));
    }

    private static Map<String, Object> without(Map<String, Object> map, String key) {
        return map.entrySet().stream().filter(e -> !e.getKey().equals(key))
                .collect(java.util.stream.Collectors.toMap(Entry::getKey, Entry::getValue));
    }
}
