package dev.minilab.provisioning.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minilab.provisioning.spec.Variables;
import java.util.Optional;

/**
 * Creates one container or VM clone on a {@link SimulatedCluster} the way Proxmox VE and the bpg/proxmox provider do,
 * in the server's order of checks, and fails with the provider's error text where they would:
 * <ul>
 *   <li>containers: node lookup, VMID in use, template storage, rootfs storage (exists, enabled on the node, content
 *       {@code rootdir}) — all synchronous ({@code error creating container}); the template file, in the create task
 *       ({@code error waiting for container created}); the bridge, at start ({@code error waiting for container
 *       start}, the container stays, tainted);</li>
 *   <li>VMs: node lookup, template VMID on the source node, target storage (exists, content {@code images}), VMID in
 *       use — all in the clone call ({@code error waiting for VM clone: All attempts fail}); the bridge at start
 *       ({@code error waiting for VM start}, qemu-server 9 text, the VM stays, tainted).</li>
 * </ul>
 */
final class SimulatedProvider {

    /** What creating one guest did. */
    sealed interface Outcome permits Created, Failed { }

    /** The guest exists and runs. */
    record Created(SimulatedCluster.Guest guest) implements Outcome { }

    /**
     * The provider returned {@code error}; {@code leftBehind} is the guest that exists anyway (terraform keeps it in
     * the state, tainted), or null.
     */
    record Failed(String error, SimulatedCluster.Guest leftBehind) implements Outcome { }

    private final SimulatedCluster cluster;
    private final AddressPlan addresses;
    private int tasks;

    SimulatedProvider(SimulatedCluster cluster, AddressPlan addresses) {
        this.cluster = cluster;
        this.addresses = addresses;
    }

    Outcome createContainer(Variables v, int index, String hostname) {
        String node = v.text("node_name");
        if (cluster.findNode(node).isEmpty()) {
            return new Failed(ProviderErrors.ctCreate(ProviderErrors.nodeLookup(node)), null);
        }
        int vmid = vmid(v, index);
        Optional<SimulatedCluster.Guest> existing = cluster.findGuest(vmid);
        if (existing.isPresent() || cluster.findVmTemplate(vmid).isPresent()) {
            String word = existing.map(g -> g.type().equals("lxc") ? "CT" : "VM").orElse("VM");
            String on = existing.map(SimulatedCluster.Guest::node)
                    .orElseGet(() -> cluster.findVmTemplate(vmid).orElseThrow().node());
            return new Failed(ProviderErrors.ctCreate(ProviderErrors.http(500, word + " " + vmid
                    + " already exists on node '" + on + "'")), null);
        }
        String template = v.text("template_file_id");
        int colon = template.indexOf(':');
        if (colon <= 0) {
            // Not among the facts file's texts: PVE's parse_volume_id wording, approximated.
            return new Failed(ProviderErrors.ctCreate(ProviderErrors.http(500, "unable to parse volume ID '"
                    + template + "'")), null);
        }
        String templateStorage = template.substring(0, colon);
        if (cluster.findStorage(templateStorage).isEmpty()) {
            return new Failed(ProviderErrors.ctCreate(ProviderErrors.storageMissing(templateStorage)), null);
        }
        String rootfs = v.text("datastore_id").isEmpty() ? "local-lvm" : v.text("datastore_id");
        Optional<String> storageError = storageProblem(rootfs, node, "rootdir", "container directories");
        if (storageError.isPresent()) {
            return new Failed(ProviderErrors.ctCreate(storageError.get()), null);
        }
        if (!cluster.hasCtTemplate(template)) {
            String upid = ProviderErrors.upid(node, ++tasks, "vzcreate", vmid);
            return new Failed(ProviderErrors.ctWaitCreated(ProviderErrors.taskFailed(upid, "unable to create CT "
                    + vmid + " - can't find file '" + template + "'")), null);
        }
        SimulatedCluster.Guest guest = new SimulatedCluster.Guest(vmid, "lxc", node, hostname,
                cluster.ctTemplateOs(template), addresses.address(vmid, index, staticAddress(v, index)), false);
        cluster.put(guest);
        return start(guest, v, "vzstart", true);
    }

    Outcome cloneVm(Variables v, int index, String hostname) {
        String node = v.text("node_name");
        String sourceNode = v.text("template_node").isEmpty() ? node : v.text("template_node");
        if (cluster.findNode(sourceNode).isEmpty()) {
            return new Failed(ProviderErrors.vmClone(ProviderErrors.nodeLookup(sourceNode)), null);
        }
        int template = v.integer("template_vmid", -1);
        Optional<SimulatedCluster.VmTemplate> source = cluster.findVmTemplate(template)
                .filter(t -> t.node().equals(sourceNode));
        if (source.isEmpty()) {
            return new Failed(ProviderErrors.vmClone(ProviderErrors.http(500, "unable to find configuration file for VM "
                    + v.text("template_vmid") + " on node '" + sourceNode + "'")), null);
        }
        String storage = v.text("datastore_id").isEmpty() ? "local-lvm" : v.text("datastore_id");
        Optional<String> storageError = storageProblem(storage, sourceNode, "images", "vm images");
        if (storageError.isPresent()) {
            return new Failed(ProviderErrors.vmClone(storageError.get()), null);
        }
        int vmid = vmid(v, index);
        if (cluster.vmidInUse(vmid)) {
            return new Failed(ProviderErrors.vmClone(ProviderErrors.http(500, "unable to create VM " + vmid
                    + ": config file already exists")), null);
        }
        SimulatedCluster.Guest guest = new SimulatedCluster.Guest(vmid, "qemu", node, hostname, source.get().os(),
                addresses.address(vmid, index, staticAddress(v, index)), false);
        cluster.put(guest);
        return start(guest, v, "qmstart", false);
    }

    void destroy(int vmid) {
        cluster.remove(vmid);
    }

    private Outcome start(SimulatedCluster.Guest created, Variables v, String taskType, boolean container) {
        JsonNode started = v.get("started").orElse(null);
        if (started != null && started.isBoolean() && !started.booleanValue()) {
            return new Created(created);
        }
        String bridge = v.text("bridge").isEmpty() ? "vmbr0" : v.text("bridge");
        if (!cluster.findNode(created.node()).orElseThrow().bridges().contains(bridge)) {
            String upid = ProviderErrors.upid(created.node(), ++tasks, taskType, created.vmid());
            String exit = container ? "startup for container '" + created.vmid() + "' failed"
                    : "bridge '" + bridge + "' does not exist";
            String error = container ? ProviderErrors.ctWaitStart(ProviderErrors.taskFailed(upid, exit))
                    : ProviderErrors.vmWaitStart(ProviderErrors.taskFailed(upid, exit));
            return new Failed(error, created);
        }
        SimulatedCluster.Guest running = new SimulatedCluster.Guest(created.vmid(), created.type(), created.node(),
                created.name(), created.os(), created.address(), true);
        cluster.put(running);
        return new Created(running);
    }

    /** Why {@code storage} cannot hold {@code content} on {@code node}, as the server says it; empty when it can. */
    private Optional<String> storageProblem(String storage, String node, String content, String contentWords) {
        Optional<SimulatedCluster.Storage> found = cluster.findStorage(storage);
        if (found.isEmpty()) {
            return Optional.of(ProviderErrors.storageMissing(storage));
        }
        if (!found.get().nodes().contains(node)) {
            return Optional.of(ProviderErrors.storageNotOnNode(storage, node));
        }
        if (!found.get().content().contains(content)) {
            return Optional.of(ProviderErrors.parameter("storage", "storage '" + storage + "' does not support "
                    + contentWords));
        }
        return Optional.empty();
    }

    private int vmid(Variables v, int index) {
        JsonNode first = v.get("vm_id").orElse(null);
        if (first != null && !first.isNull() && v.integer("vm_id", -1) > 0) {
            return v.integer("vm_id", -1) + index;
        }
        return cluster.nextId();
    }

    private static String staticAddress(Variables v, int index) {
        JsonNode list = v.get("ipv4_addresses").orElse(null);
        if (list != null && list.isArray() && list.size() > index) {
            String cidr = list.get(index).asText();
            int slash = cidr.indexOf('/');
            return slash < 0 ? cidr : cidr.substring(0, slash);
        }
        return null;
    }
}
