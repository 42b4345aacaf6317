package dev.minilab.runtime.proxmox;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster's state as the API reported it at {@link #fetchedAt()}: what sizing, placement and the Terraform checks
 * decide on. Units as the API gives them: bytes, CPU as a fraction of the node (0.25 = 25 %).
 *
 * @param version     pve-manager version, e.g. 8.3.0
 * @param clusterName the cluster's name, or empty for a single node without a cluster
 * @param nodes       every node the API lists, online or not, sorted by name
 * @param storages    one entry per node and storage, sorted by node then storage
 * @param guests      every VM and container the token may see (templates included), sorted by VMID
 * @param ctTemplates container templates (vztmpl volumes) per node and storage
 * @param nextVmid    the first free VMID: cluster/nextid, moved past any id a guest holds
 * @param warnings    what could not be read (e.g. a privilege the token lacks) or should worry the user
 * @param insecureTls the data came over TLS that was not verified (PM_TLS_INSECURE)
 * @param fetchedAt   when it was read
 */
public record Inventory(String version, String clusterName, List<Node> nodes, List<Storage> storages,
                        List<Guest> guests, List<CtTemplate> ctTemplates, int nextVmid, List<String> warnings,
                        boolean insecureTls, Instant fetchedAt) {

    public Inventory {
        Objects.requireNonNull(version, "version");
        clusterName = clusterName == null ? "" : clusterName;
        nodes = nodes.stream().sorted(Comparator.comparing(Node::name)).toList();
        storages = storages.stream().sorted(Comparator.comparing(Storage::node).thenComparing(Storage::storage))
                .toList();
        guests = guests.stream().sorted(Comparator.comparingInt(Guest::vmid)).toList();
        ctTemplates = List.copyOf(ctTemplates);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(fetchedAt, "fetchedAt");
    }

    /**
     * One node. {@code maxCpu} is the number of logical CPUs (threads) the node offers guests; {@code cores} and
     * {@code sockets} come from the node's status and are 0 when it could not be read (offline node).
     */
    public record Node(String name, String status, int maxCpu, double cpu, long mem, long maxMem, long rootUsed,
                       long rootTotal, int cores, int sockets, String cpuModel) {
        public boolean online() {
            return "online".equals(status);
        }

        /** Memory in use as a fraction of the node's memory (0 when unknown). */
        public double memoryFraction() {
            return maxMem <= 0 ? 0 : (double) mem / maxMem;
        }
    }

    /**
     * One storage as one node sees it ({@code nodes/{node}/storage}); a shared storage appears once per node.
     *
     * @param content content types, e.g. images, rootdir, vztmpl, iso, backup
     * @param active  mounted/usable on this node (an inactive or disabled storage reports zero sizes)
     */
    public record Storage(String node, String storage, String type, Set<String> content, boolean shared,
                          boolean active, boolean enabled, long total, long used, long avail) {
        public Storage {
            content = Set.copyOf(content);
        }

        public boolean holds(String contentType) {
            return content.contains(contentType);
        }

        public boolean usable() {
            return active && enabled;
        }

        public String contentText() {
            return content.stream().sorted().collect(Collectors.joining(","));
        }
    }

    /**
     * A VM ({@code qemu}) or container ({@code lxc}), template or not.
     *
     * @param diskStorages for templates: the storages holding its disks (empty when unknown or not a template)
     */
    public record Guest(int vmid, String type, String name, String node, String status, boolean template,
                        int maxCpu, long maxMem, long maxDisk, List<String> diskStorages) {
        public Guest {
            name = name == null ? "" : name;
            diskStorages = diskStorages == null ? List.of() : List.copyOf(diskStorages);
        }

        public boolean isVm() {
            return "qemu".equals(type);
        }

        /** "VM" or "CT", as Proxmox writes it in messages. */
        public String kindWord() {
            return isVm() ? "VM" : "CT";
        }
    }

    /** A container template: {@code volid} is what {@code template_file_id} takes, e.g. local:vztmpl/debian-12….tar.zst. */
    public record CtTemplate(String node, String storage, String volid, long size, boolean shared) {
    }

    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public List<Node> onlineNodes() {
        return nodes.stream().filter(Node::online).toList();
    }

    public List<Storage> storagesOn(String node) {
        return storages.stream().filter(s -> s.node().equals(node)).toList();
    }

    public Optional<Storage> storage(String node, String storage) {
        return storages.stream().filter(s -> s.node().equals(node) && s.storage().equals(storage)).findFirst();
    }

    public Optional<Guest> guest(int vmid) {
        return guests.stream().filter(g -> g.vmid() == vmid).findFirst();
    }

    /** VM templates (qemu, template=1): the clone sources. */
    public List<Guest> vmTemplates() {
        return guests.stream().filter(g -> g.template() && g.isVm()).toList();
    }

    /** Container templates usable on {@code node} (its own storages plus shared ones). */
    public List<CtTemplate> ctTemplatesOn(String node) {
        return ctTemplates.stream().filter(t -> t.node().equals(node)).toList();
    }

    /** Returns a copy limited to one node (its storages, guests and templates); the rest is kept for VMIDs. */
    public Inventory onlyNode(String node) {
        return new Inventory(version, clusterName, nodes.stream().filter(n -> n.name().equals(node)).toList(),
                storagesOn(node), guests.stream().filter(g -> g.node().equals(node)).toList(),
                ctTemplatesOn(node), nextVmid, warnings, insecureTls, fetchedAt);
    }
}
