package dev.minilab.runtime.proxmox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * Builds {@link Inventory} values for unit tests. {@link #lab()} mirrors the testkit fixture's default data
 * (cluster-3-nodes.json): pve1 16 CPUs at 45 % with 32 of 64 GiB used, pve2 16 CPUs at 12 % with 16 of 64 GiB,
 * pve3 offline; local (dir), local-lvm (lvmthin), nfs-shared (shared); templates 9000 (pve1, disks on nfs-shared)
 * and 9001 (pve2, disks on local-lvm); guests 100-108, 110-112; next VMID 109.
 */
public final class TestInventory {

    public static final long GIB = 1024L * 1024 * 1024;

    private final List<Inventory.Node> nodes = new ArrayList<>();
    private final List<Inventory.Storage> storages = new ArrayList<>();
    private final List<Inventory.Guest> guests = new ArrayList<>();
    private final List<Inventory.CtTemplate> ct = new ArrayList<>();
    private int next = 100;

    public static TestInventory builder() {
        return new TestInventory();
    }

    public TestInventory node(String name, String status, int maxCpu, double cpu, long memGib, long maxMemGib) {
        nodes.add(new Inventory.Node(name, status, maxCpu, cpu, memGib * GIB, maxMemGib * GIB, 10 * GIB, 94 * GIB,
                maxCpu / 2, 1, "test cpu"));
        return this;
    }

    public TestInventory storage(String node, String name, String type, String content, boolean shared,
                                 long totalGib, long availGib) {
        storages.add(new Inventory.Storage(node, name, type, new HashSet<>(Arrays.asList(content.split(","))), shared,
                true, true, totalGib * GIB, (totalGib - availGib) * GIB, availGib * GIB));
        return this;
    }

    public TestInventory inactiveStorage(String node, String name, String type, String content) {
        storages.add(new Inventory.Storage(node, name, type, new HashSet<>(Arrays.asList(content.split(","))), false,
                false, true, 0, 0, 0));
        return this;
    }

    public TestInventory guest(int vmid, String type, String name, String node) {
        guests.add(new Inventory.Guest(vmid, type, name, node, "running", false, 2, 2 * GIB, 32 * GIB, List.of()));
        return this;
    }

    public TestInventory template(int vmid, String name, String node, String... diskStorages) {
        guests.add(new Inventory.Guest(vmid, "qemu", name, node, "stopped", true, 2, 2 * GIB, 4 * GIB,
                List.of(diskStorages)));
        return this;
    }

    public TestInventory ctTemplate(String node, String storage, String volid) {
        ct.add(new Inventory.CtTemplate(node, storage, volid, 126515062, false));
        return this;
    }

    public TestInventory nextVmid(int vmid) {
        this.next = vmid;
        return this;
    }

    public Inventory build() {
        return new Inventory("8.3.0", "lab", nodes, storages, guests, ct, next, List.of(), false,
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** The fixture's default cluster (see the class comment). */
    public static TestInventory lab() {
        TestInventory b = builder()
                .node("pve1", "online", 16, 0.45, 32, 64)
                .node("pve2", "online", 16, 0.12, 16, 64)
                .node("pve3", "offline", 8, 0, 0, 32);
        for (String n : List.of("pve1", "pve2")) {
            b.storage(n, "local", "dir", "backup,iso,vztmpl", false, 94, n.equals("pve1") ? 80 : 83)
                    .storage(n, "local-lvm", "lvmthin", "images,rootdir", false, 380, n.equals("pve1") ? 90 : 285)
                    .storage(n, "nfs-shared", "nfs", "images,rootdir,iso,backup", true, 2048, 248)
                    .ctTemplate(n, "local", "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst");
        }
        b.ctTemplate("pve1", "local", "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst");
        for (String s : List.of("local", "local-lvm", "nfs-shared")) {
            b.storages.add(new Inventory.Storage("pve3", s, "dir", java.util.Set.of("images"), s.equals("nfs-shared"),
                    false, true, 0, 0, 0));
        }
        b.guest(100, "qemu", "web-1", "pve1").guest(101, "lxc", "dns", "pve1").guest(102, "qemu", "db-1", "pve1")
                .guest(103, "lxc", "proxy", "pve2").guest(104, "qemu", "gitlab", "pve2")
                .guest(105, "qemu", "old-test", "pve2").guest(106, "lxc", "monitoring", "pve1")
                .guest(107, "qemu", "backup", "pve3").guest(108, "lxc", "ci-runner", "pve2")
                .guest(110, "qemu", "win-dev", "pve3").guest(111, "lxc", "pihole", "pve1")
                .guest(112, "qemu", "k3s-1", "pve2")
                .template(9000, "ubuntu-24.04-cloud", "pve1", "nfs-shared")
                .template(9001, "debian-12-cloud", "pve2", "local-lvm");
        return b.nextVmid(109);
    }
}
