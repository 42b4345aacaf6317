package dev.minilab.runtime.tools.proxmox;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.proxmox.Inventory;
import dev.minilab.runtime.proxmox.InventoryText;
import dev.minilab.runtime.proxmox.ProxmoxException;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.Specs;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code proxmox_inventory(node?)}: the cluster's real state as compact text (read-only). */
final class ProxmoxInventoryTool implements Tool {

    private final ProxmoxToolkit toolkit;

    ProxmoxInventoryTool(ProxmoxToolkit toolkit) {
        this.toolkit = toolkit;
    }

    @Override
    public ToolSpecification specification() {
        return Specs.of("proxmox_inventory", "Read the Proxmox cluster's real state (read-only): nodes (online, CPUs, "
                        + "CPU %, memory used/total, root disk), storages per node (type, content types, free/total, "
                        + "shared), VM templates (VMID, name) and container templates (volid), guests (VMID, name, "
                        + "node, status) and the next free VMID. Use it before naming a node, storage, template or "
                        + "VMID: never guess them.",
                JsonObjectSchema.builder()
                        .addStringProperty("node", "optional: only this node (its storages, guests, templates)")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        Optional<String> node = arguments.optionalString("node").map(String::strip).filter(s -> !s.isEmpty());
        Inventory inventory;
        try {
            inventory = toolkit.inventory();
        } catch (ProxmoxException e) {
            return ToolResult.error(e.getMessage());
        }
        if (node.isPresent()) {
            if (inventory.node(node.get()).isEmpty()) {
                return ToolResult.error("node '" + node.get() + "' is not in the cluster; nodes: " + inventory.nodes()
                        .stream().map(Inventory.Node::name).collect(Collectors.joining(", ")));
            }
            inventory = inventory.onlyNode(node.get());
        }
        return ToolResult.ok(InventoryText.render(inventory));
    }
}
