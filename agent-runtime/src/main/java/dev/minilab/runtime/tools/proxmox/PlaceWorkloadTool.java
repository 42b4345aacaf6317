package dev.minilab.runtime.tools.proxmox;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.proxmox.Inventory;
import dev.minilab.runtime.proxmox.Placer;
import dev.minilab.runtime.proxmox.Placer.Placement;
import dev.minilab.runtime.proxmox.ProxmoxSettings;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.Specs;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code place_workload(kind, cores, memory_mb, disk_gb, environment, storage?, node?, template?)}: node, storage and
 * VMID from the live inventory, with the reasons and the values to put in Terraform.
 */
final class PlaceWorkloadTool implements Tool {

    private final ProxmoxToolkit toolkit;
    private final Placer placer;

    PlaceWorkloadTool(ProxmoxToolkit toolkit, Placer placer) {
        this.toolkit = toolkit;
        this.placer = placer;
    }

    @Override
    public ToolSpecification specification() {
        return Specs.of("place_workload", "Choose where a guest goes from the live cluster: an online node whose "
                        + "memory and CPU stay under the environment's limit after placing (prod 60 %, dev 80 %), a "
                        + "storage there with the right content (images for VMs, rootdir for containers) and room for "
                        + "the disk, and a free VMID. Returns the values for Terraform and why; if nothing fits it "
                        + "says which resource is short on which node.",
                JsonObjectSchema.builder()
                        .addEnumProperty("kind", List.of("vm", "ct"))
                        .addIntegerProperty("cores", "from size_workload")
                        .addIntegerProperty("memory_mb", "from size_workload")
                        .addIntegerProperty("disk_gb", "from size_workload")
                        .addStringProperty("environment", "one of " + new TreeSet<>(toolkit.rules().environments()
                                .keySet()))
                        .addStringProperty("storage", "optional: only this storage")
                        .addStringProperty("node", "optional: only this node")
                        .addStringProperty("template", "optional: VM template VMID to clone (kind vm) or container "
                                + "template volid (kind ct); placement then respects where it can be used")
                        .required("kind", "cores", "memory_mb", "disk_gb", "environment")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        Inventory inventory;
        Placement placement;
        try {
            Placer.Request request = new Placer.Request(arguments.requireString("kind"), integer(arguments, "cores"),
                    integer(arguments, "memory_mb"), integer(arguments, "disk_gb"),
                    arguments.requireString("environment"), text(arguments, "storage"), text(arguments, "node"),
                    text(arguments, "template"));
            inventory = toolkit.inventory();
            placement = placer.place(inventory, request);
        } catch (MiniLabException e) {
            return ToolResult.error(e.getMessage());
        }
        String warning = inventory.insecureTls() ? ProxmoxSettings.INSECURE_WARNING + "\n" : "";
        return switch (placement) {
            case Placement.NothingFits none -> ToolResult.error(warning + none.summary() + ":\n"
                    + String.join("\n", none.shortages().stream().map(s -> "- " + s).toList())
                    + "\nAsk the User: a smaller size, another environment, or freeing room on a node.");
            case Placement.Placed p -> ToolResult.ok(warning + render(p));
        };
    }

    static String render(Placement.Placed p) {
        StringBuilder out = new StringBuilder();
        out.append("placement: ").append(p.kind()).append(" on node ").append(p.node()).append(", disk on storage ")
                .append(p.storage()).append(", vm_id ").append(p.vmid()).append(" (").append(p.environment())
                .append(": memory and CPU at most ").append(Math.round(p.limit() * 100)).append(" % after placing)\n");
        out.append("why:\n");
        p.why().forEach(w -> out.append("- ").append(w).append('\n'));
        out.append("terraform values (bpg/proxmox ").append(p.kind().equals("vm")
                ? "proxmox_virtual_environment_vm" : "proxmox_virtual_environment_container").append("):\n");
        out.append("  node_name    = \"").append(p.node()).append("\"\n");
        out.append("  vm_id        = ").append(p.vmid()).append('\n');
        out.append("  datastore_id = \"").append(p.storage()).append("\"   # disk { datastore_id }\n");
        out.append("  cores        = ").append(p.cores()).append("   # cpu { cores }\n");
        out.append("  memory_mb    = ").append(p.memoryMb()).append("   # memory { dedicated }\n");
        out.append("  disk_gb      = ").append(p.diskGb()).append("   # disk { size }\n");
        p.templateVmid().ifPresent(t -> out.append("  clone_vm_id  = ").append(t).append("   # clone { vm_id")
                .append(p.templateNode().map(n -> ", node_name = \"" + n + "\"").orElse("")).append(" }\n"));
        p.templateVolid().ifPresent(t -> out.append("  template_file_id = \"").append(t)
                .append("\"   # operating_system { template_file_id }\n"));
        return out.toString();
    }

    private static int integer(ToolArguments arguments, String name) {
        return arguments.optionalInt(name).orElseThrow(() -> new MiniLabException("missing required argument '" + name
                + "' (a number; size_workload computes it)"));
    }

    private static Optional<String> text(ToolArguments arguments, String name) {
        return arguments.optionalString(name).map(String::strip).filter(s -> !s.isEmpty());
    }
}
