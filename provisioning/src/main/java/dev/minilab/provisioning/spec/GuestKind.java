package dev.minilab.provisioning.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a spec provisions, and the Terraform module under {@code generated_iac/infra/modules/} that builds it. */
public enum GuestKind {
    /** LXC containers from a CT template. */
    LXC("lxc", "proxmox-lxc", "proxmox_virtual_environment_container", Set.of("node_name", "datastore_id", "bridge",
            "vlan_id", "template_file_id", "os_type", "instance_count", "vm_id", "hostname", "cores", "memory", "swap",
            "disk_size", "ipv4_addresses", "ipv4_gateway", "ssh_public_keys", "unprivileged", "tags", "started")),
    /** VM clones of a cloud-init template. */
    VM("vm", "proxmox-vm", "proxmox_virtual_environment_vm", Set.of("node_name", "datastore_id", "bridge", "vlan_id",
            "template_vmid", "template_node", "full_clone", "instance_count", "vm_id", "hostname", "cores", "memory",
            "disk_size", "ipv4_addresses", "ipv4_gateway", "ci_user", "ssh_public_keys", "tags", "started"));

    private final String id;
    private final String module;
    private final String resourceType;
    private final Set<String> variables;

    GuestKind(String id, String module, String resourceType, Set<String> variables) {
        this.id = id;
        this.module = module;
        this.resourceType = resourceType;
        this.variables = variables;
    }

    /** The shipped module's variables, credentials (pm_*) excepted: what a spec and a hypothesis may set. */
    public Set<String> variables() {
        return variables;
    }

    /** The spelling in a spec ({@code lxc}, {@code vm}). */
    public String id() {
        return id;
    }

    /** The module folder name. */
    public String module() {
        return module;
    }

    /** The bpg/proxmox resource type the module creates. */
    public String resourceType() {
        return resourceType;
    }

    public static Optional<GuestKind> parse(String text) {
        String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(kind -> kind.id.equals(wanted)).findFirst();
    }
}
