package dev.minilab.runtime.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.proxmox.Placer.Placement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Placement: right node, headroom per environment, storage content, VMID, and "nothing fits" naming what is short. */
class PlacerTest {

    private final Placer placer = new Placer(SizingRules.builtIn());

    private static Placement.Placed placed(Placement p) {
        assertThat(p).isInstanceOf(Placement.Placed.class);
        return (Placement.Placed) p;
    }

    @Test
    void prodWebServerGoesToTheLeastUsedOnlineNodeOnItsRoomiestImagesStorage() {
        Placement.Placed p = placed(placer.place(TestInventory.lab().build(), Placer.Request.of("vm", 2, 2048, 20,
                "prod")));

        // pve1 after: memory (32+2)/64 = 53 %, CPU 0.45 + 2/16 = 57.5 % -> fits, score 57.5 %;
        // pve2 after: memory (16+2)/64 = 28 %, CPU 0.12 + 0.125 = 24.5 % -> score 28 %, the lowest. pve3 is offline.
        assertThat(p.node()).isEqualTo("pve2");
        assertThat(p.memoryAfter()).isEqualTo(18.0 / 64);
        assertThat(p.cpuAfter()).isCloseTo(0.245, org.assertj.core.api.Assertions.within(1e-9));
        // local-lvm has 285 GiB free on pve2, nfs-shared 248 GiB: the roomiest storage with content images.
        assertThat(p.storage()).isEqualTo("local-lvm");
        assertThat(p.vmid()).isEqualTo(109);
        assertThat(p.why()).anyMatch(w -> w.startsWith("pve2: memory 28 % (16.0 + 2.0 of 64.0 GiB) and CPU 25 %"))
                .anyMatch(w -> w.startsWith("pve1: fits too, memory 53 % and CPU 58 %"))
                .anyMatch(w -> w.equals("pve3: offline, nothing can be placed there"))
                .anyMatch(w -> w.startsWith("vm_id 109"));
    }

    @Test
    void headroomDependsOnTheEnvironment() {
        Inventory inv = TestInventory.builder()
                .node("a", "online", 16, 0.10, 36, 64) // memory after 4 GiB: 40/64 = 62.5 %
                .node("b", "online", 16, 0.50, 20, 64) // CPU after 4 cores: 0.50 + 0.25 = 75 %
                .storage("a", "local-lvm", "lvmthin", "images,rootdir", false, 500, 400)
                .storage("b", "local-lvm", "lvmthin", "images,rootdir", false, 500, 400)
                .build();

        Placement prod = placer.place(inv, Placer.Request.of("vm", 4, 4096, 40, "prod"));
        Placement dev = placer.place(inv, Placer.Request.of("vm", 4, 4096, 40, "dev"));

        assertThat(prod).isInstanceOf(Placement.NothingFits.class);
        Placement.NothingFits none = (Placement.NothingFits) prod;
        assertThat(none.summary()).contains("limit 60 %");
        assertThat(none.shortages()).containsExactly(
                "a: memory would be 63 % after placing (36.0 GiB used + 4.0 GiB of 64.0 GiB), over the 60 % limit for "
                        + "prod",
                "b: CPU would be 75 % after placing (50 % in use + 4 of 16 CPUs), over the 60 % limit for prod");
        // dev allows 80 %: a scores 62.5 %, b 75 % -> a.
        assertThat(placed(dev).node()).isEqualTo("a");
    }

    @Test
    void vmsNeedImagesStorageAndContainersRootdirWithRoomForTheDisk() {
        Inventory inv = TestInventory.builder()
                .node("a", "online", 16, 0.10, 8, 64)
                .storage("a", "local", "dir", "iso,vztmpl,backup", false, 100, 90)
                .storage("a", "vmstore", "zfspool", "images", false, 500, 30)
                .storage("a", "ctstore", "zfspool", "rootdir", false, 500, 300)
                .build();

        Placement.Placed ct = placed(placer.place(inv, Placer.Request.of("ct", 1, 512, 20, "dev")));
        Placement.Placed vm = placed(placer.place(inv, Placer.Request.of("vm", 1, 512, 20, "dev")));
        Placement tooBig = placer.place(inv, Placer.Request.of("vm", 1, 512, 40, "dev"));
        Placement wrongContent = placer.place(inv, new Placer.Request("vm", 1, 512, 10, "dev", Optional.of("local"),
                Optional.empty(), Optional.empty()));

        assertThat(ct.storage()).isEqualTo("ctstore");
        assertThat(vm.storage()).isEqualTo("vmstore");
        assertThat(((Placement.NothingFits) tooBig).shortages()).containsExactly(
                "a: disk: no storage with content images has 40 GiB free (vmstore 30.0 GiB free)");
        assertThat(((Placement.NothingFits) wrongContent).shortages().getFirst())
                .contains("no usable storage with content images named local").contains("local [backup,iso,vztmpl]");
    }

    @Test
    void theVmidIsTheNextFreeOneAndATemplateOnLocalStorageKeepsTheCloneOnItsNode() {
        Inventory inv = TestInventory.lab().build();

        Placement.Placed sharedTemplate = placed(placer.place(inv, new Placer.Request("vm", 2, 2048, 20, "prod",
                Optional.empty(), Optional.empty(), Optional.of("9000"))));
        Placement.Placed localTemplate = placed(placer.place(inv, new Placer.Request("vm", 2, 2048, 20, "prod",
                Optional.empty(), Optional.empty(), Optional.of("9001"))));

        assertThat(sharedTemplate.node()).isEqualTo("pve2");
        assertThat(sharedTemplate.templateVmid()).contains(9000);
        assertThat(sharedTemplate.templateNode()).contains("pve1");
        assertThat(localTemplate.node()).isEqualTo("pve2");
        assertThat(localTemplate.why()).anyMatch(w -> w.startsWith("pve1: template 9001 has its disks on local-lvm of "
                + "pve2 (not shared)"));
        assertThatThrownBy(() -> placer.place(inv, new Placer.Request("vm", 2, 2048, 20, "prod", Optional.empty(),
                Optional.empty(), Optional.of("9999"))))
                .hasMessageContaining("VM template 9999 does not exist")
                .hasMessageContaining("9000 ubuntu-24.04-cloud (on pve1), 9001 debian-12-cloud (on pve2)");
    }

    @Test
    void nothingFitsNamesTheShortResourceOnEveryNode() {
        Placement p = placer.place(TestInventory.lab().build(), Placer.Request.of("vm", 8, 32768, 300, "prod"));

        assertThat(p).isInstanceOf(Placement.NothingFits.class);
        Placement.NothingFits none = (Placement.NothingFits) p;
        assertThat(none.summary()).isEqualTo("nothing fits a vm of 8 cores, 32768 MB, 300 GB in prod (limit 60 % memory "
                + "and CPU after placing)");
        assertThat(none.shortages()).hasSize(3);
        assertThat(none.shortages().get(0)).startsWith("pve1: memory would be 100 %").contains("CPU would be 95 %")
                .contains("disk: no storage with content images has 300 GiB free");
        assertThat(none.shortages().get(1)).startsWith("pve2: memory would be 75 %")
                .contains("disk: no storage with content images has 300 GiB free (local-lvm 285.0 GiB free, "
                        + "nfs-shared 248.0 GiB free)");
        assertThat(none.shortages().get(2)).isEqualTo("pve3: offline, nothing can be placed there");
    }

    @Test
    void anAskedNodeIsTheOnlyCandidateAndAnOfflineOneSaysSo() {
        Inventory inv = TestInventory.lab().build();

        Placement onPve1 = placer.place(inv, new Placer.Request("vm", 2, 2048, 20, "prod", Optional.empty(),
                Optional.of("pve1"), Optional.empty()));
        Placement onPve3 = placer.place(inv, new Placer.Request("vm", 2, 2048, 20, "prod", Optional.empty(),
                Optional.of("pve3"), Optional.empty()));

        assertThat(placed(onPve1).node()).isEqualTo("pve1");
        assertThat(((Placement.NothingFits) onPve3).shortages()).containsExactly(
                "pve3: offline, nothing can be placed there");
    }
}
