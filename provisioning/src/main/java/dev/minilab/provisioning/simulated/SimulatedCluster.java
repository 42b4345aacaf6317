package dev.minilab.provisioning.simulated;

import dev.minilab.runtime.proxmox.Inventory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Proxmox VE cluster the simulated backend provisions on: nodes with bridges, storages with content types, CT
 * and VM templates, and the guests that exist (VMIDs in use). Mutable only through the simulated provider;
 * thread-confined to one run.
 */
public final class SimulatedCluster {

    private static final long GIB = 1024L * 1024 * 1024;

    /** A node and the bridges it has. */
    public record Node(String name, Set<String> bridges) {
        public Node {
            bridges = Set.copyOf(bridges);
        }
    }

    /**
     * A storage as in storage.cfg: where it is enabled and what it may hold.
     *
     * @param content PVE content types ({@code images}, {@code rootdir}, {@code vztmpl}, {@code iso}, ...)
     */
    public record Storage(String id, String type, Set<String> nodes, Set<String> content, boolean shared) {
        public Storage {
            nodes = Set.copyOf(nodes);
            content = Set.copyOf(content);
        }
    }

    /** A VM template: clone source. */
    public record VmTemplate(int vmid, String node, String name, String os) { }

    /** A guest that exists (running or not); {@code lxc} or {@code qemu}. */
    public record Guest(int vmid, String type, String node, String name, String os, String address, boolean running) { }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Storage> storages = new LinkedHashMap<>();
    private final Map<String, String> ctTemplates = new LinkedHashMap<>(); // volid -> os ("debian 12")
    private final Map<Integer, VmTemplate> vmTemplates = new TreeMap<>();
    private final Map<Integer, Guest> guests = new TreeMap<>();

    public SimulatedCluster node(String name, String... bridges) {
        nodes.put(name, new Node(name, Set.of(bridges)));
        return this;
    }

    public SimulatedCluster storage(String id, String type, Set<String> onNodes, Set<String> content, boolean shared) {
        storages.put(id, new Storage(id, type, onNodes, content, shared));
        return this;
    }

    /** Adds a CT template file ({@code local:vztmpl/…}) with the OS it installs ({@code debian 12}). */
    public SimulatedCluster ctTemplate(String volid, String os) {
        ctTemplates.put(volid, os);
        return this;
    }

    public SimulatedCluster vmTemplate(int vmid, String node, String name, String os) {
        vmTemplates.put(vmid, new VmTemplate(vmid, node, name, os));
        return this;
    }

    public SimulatedCluster guest(Guest guest) {
        guests.put(guest.vmid(), guest);
        return this;
    }

    /**
     * A small homelab like seed 000's: two nodes (pve1, pve2) with vmbr0, {@code local} (dir: iso, vztmpl, backup)
     * and {@code local-lvm} (lvmthin: images, rootdir) on both, Debian 12 and 13 CT templates, the Ubuntu 24.04
     * cloud-init template 9000 on pve1, and guests 100 (VM) and 101 (CT) in use.
     */
    public static SimulatedCluster standard() {
        Set<String> both = Set.of("pve1", "pve2");
        return new SimulatedCluster()
                .node("pve1", "vmbr0")
                .node("pve2", "vmbr0")
                .storage("local", "dir", both, Set.of("iso", "vztmpl", "backup"), false)
                .storage("local-lvm", "lvmthin", both, Set.of("images", "rootdir"), false)
                .ctTemplate("local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", "debian 12")
                .ctTemplate("local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst", "debian 13")
                .vmTemplate(9000, "pve1", "ubuntu-2404-cloudinit", "ubuntu 24.04")
                .guest(new Guest(100, "qemu", "pve1", "gateway", "debian 12", "10.20.0.100", true))
                .guest(new Guest(101, "lxc", "pve2", "dns", "debian 12", "10.20.0.101", true));
    }

    public Optional<Node> findNode(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    public Optional<Storage> findStorage(String id) {
        return Optional.ofNullable(storages.get(id));
    }

    public boolean hasCtTemplate(String volid) {
        return ctTemplates.containsKey(volid);
    }

    public String ctTemplateOs(String volid) {
        return ctTemplates.getOrDefault(volid, "unknown");
    }

    public Optional<VmTemplate> findVmTemplate(int vmid) {
        return Optional.ofNullable(vmTemplates.get(vmid));
    }

    public Optional<Guest> findGuest(int vmid) {
        return Optional.ofNullable(guests.get(vmid));
    }

    /** Whether {@code vmid} is taken by a guest or a template. */
    public boolean vmidInUse(int vmid) {
        return guests.containsKey(vmid) || vmTemplates.containsKey(vmid);
    }

    /** {@code /cluster/nextid}: the lowest free VMID from 100. */
    public int nextId() {
        int id = 100;
        while (vmidInUse(id)) {
            id++;
        }
        return id;
    }

    void put(Guest guest) {
        guests.put(guest.vmid(), guest);
    }

    void remove(int vmid) {
        guests.remove(vmid);
    }

    public List<Guest> guests() {
        return List.copyOf(guests.values());
    }

    /**
     * The cluster as the Proxmox API client reports a real one, so the diagnosis sees it rendered exactly like a live
     * inventory ({@code InventoryText}). Load figures are fixed (every node 8 CPUs at 10 %, 8 of 32 GiB memory used;
     * dir storages 80 of 100 GiB free, others 300 of 400 GiB): the simulation models names and content types, not
     * capacity. Bridges are not part of an inventory (the API client does not read the network), here as on a real
     * cluster.
     */
    public Inventory inventory() {
        List<Inventory.Node> apiNodes = nodes.values().stream().map(n -> new Inventory.Node(n.name(), "online", 8,
                0.10, 8 * GIB, 32 * GIB, 10 * GIB, 64 * GIB, 8, 1, "simulated")).toList();
        List<Inventory.Storage> apiStorages = new ArrayList<>();
        for (Storage s : storages.values()) {
            long total = (s.type().equals("dir") ? 100 : 400) * GIB;
            long avail = (s.type().equals("dir") ? 80 : 300) * GIB;
            s.nodes().forEach(node -> apiStorages.add(new Inventory.Storage(node, s.id(), s.type(), s.content(),
                    s.shared(), true, true, total, total - avail, avail)));
        }
        List<Inventory.Guest> apiGuests = new ArrayList<>();
        guests.values().forEach(g -> apiGuests.add(new Inventory.Guest(g.vmid(), g.type(), g.name(), g.node(),
                g.running() ? "running" : "stopped", false, 1, GIB, 8 * GIB, List.of())));
        vmTemplates.values().forEach(t -> apiGuests.add(new Inventory.Guest(t.vmid(), "qemu", t.name(), t.node(),
                "stopped", true, 2, 2 * GIB, 10 * GIB, List.of())));
        List<Inventory.CtTemplate> apiCtTemplates = new ArrayList<>();
        for (String volid : ctTemplates.keySet()) {
            findStorage(volid.substring(0, Math.max(0, volid.indexOf(':')))).ifPresent(s -> s.nodes().stream()
                    .sorted().forEach(node -> apiCtTemplates.add(new Inventory.CtTemplate(node, s.id(), volid,
                            130_000_000L, s.shared()))));
        }
        return new Inventory("8.3.0", "simulated", apiNodes, apiStorages, apiGuests, apiCtTemplates, nextId(),
                List.of(), false, Instant.now());
    }

    @Override
    public String toString() {
        return "SimulatedCluster" + Objects.toString(nodes.keySet());
    }
}
