package dev.minilab.provisioning.simulated;

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

    /** The inventory as the diagnosis sees it: the same facts as {@code proxmox_inventory}, compact. */
    public String inventoryText() {
        StringBuilder text = new StringBuilder("Proxmox VE cluster (simulated)\n");
        for (Node node : nodes.values()) {
            text.append("node ").append(node.name()).append(": online, bridges ")
                    .append(String.join(", ", new java.util.TreeSet<>(node.bridges()))).append('\n');
        }
        for (Storage s : storages.values()) {
            text.append("storage ").append(s.id()).append(" (").append(s.type()).append(", content ")
                    .append(String.join(",", new java.util.TreeSet<>(s.content()))).append(s.shared() ? ", shared" : "")
                    .append(") on ").append(String.join(", ", new java.util.TreeSet<>(s.nodes()))).append('\n');
        }
        for (String volid : ctTemplates.keySet()) {
            text.append("CT template ").append(volid).append('\n');
        }
        for (VmTemplate t : vmTemplates.values()) {
            text.append("VM template ").append(t.vmid()).append(" '").append(t.name()).append("' on ")
                    .append(t.node()).append('\n');
        }
        List<String> used = new ArrayList<>();
        for (Guest g : guests.values()) {
            used.add(g.vmid() + " " + g.type() + " '" + g.name() + "' on " + g.node() + " ("
                    + (g.running() ? "running" : "stopped") + ")");
        }
        text.append("VMIDs in use: ").append(used.isEmpty() ? "none" : String.join("; ", used)).append('\n');
        text.append("next free VMID: ").append(nextId()).append('\n');
        return text.toString();
    }

    @Override
    public String toString() {
        return "SimulatedCluster" + Objects.toString(nodes.keySet());
    }
}
