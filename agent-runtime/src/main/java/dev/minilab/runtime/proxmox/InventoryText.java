package dev.minilab.runtime.proxmox;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders an {@link Inventory} as compact text for a model and for {@code ./minilab inventory}: nodes, storages per
 * node, templates, guests, the next free VMID and every warning. Sizes in GiB with one decimal.
 */
public final class InventoryText {

    private static final double GIB = 1024.0 * 1024 * 1024;

    private InventoryText() {
    }

    public static String render(Inventory inv) {
        StringBuilder out = new StringBuilder();
        long online = inv.nodes().stream().filter(Inventory.Node::online).count();
        out.append("Proxmox VE ").append(inv.version())
                .append(inv.clusterName().isEmpty() ? "" : ", cluster \"" + inv.clusterName() + "\"")
                .append(", ").append(inv.nodes().size()).append(" node(s), ").append(online).append(" online")
                .append(" (read ").append(inv.fetchedAt().truncatedTo(ChronoUnit.SECONDS)).append(")\n");
        if (inv.insecureTls()) {
            out.append(ProxmoxSettings.INSECURE_WARNING).append('\n');
        }
        out.append("\nnodes (CPUs = logical CPUs; cpu = current use):\n");
        for (Inventory.Node n : inv.nodes()) {
            if (!n.online()) {
                out.append("  ").append(n.name()).append("  ").append(n.status().toUpperCase(Locale.ROOT))
                        .append(" — nothing can be placed there\n");
                continue;
            }
            out.append(String.format(Locale.ROOT, "  %s  online  %d CPUs%s  cpu %d%%  memory %s / %s GiB used (%d%%)"
                            + "  root disk %s / %s GiB used%n", n.name(), n.maxCpu(),
                    n.cores() > 0 ? " (" + n.sockets() + "x" + n.cores() + " cores)" : "", Math.round(n.cpu() * 100),
                    gib(n.mem()), gib(n.maxMem()), Math.round(n.memoryFraction() * 100), gib(n.rootUsed()),
                    gib(n.rootTotal())));
        }
        out.append("\nstorage per node (type [content] free / total; images = VM disks, rootdir = container disks):\n");
        Map<String, List<Inventory.Storage>> byNode = new TreeMap<>(inv.storages().stream()
                .collect(Collectors.groupingBy(Inventory.Storage::node)));
        byNode.forEach((node, list) -> {
            out.append("  ").append(node).append(":\n");
            for (Inventory.Storage s : list) {
                out.append("    ").append(s.storage()).append("  ").append(s.type()).append(" [").append(s.contentText())
                        .append("]");
                if (s.usable()) {
                    out.append("  ").append(gib(s.avail())).append(" / ").append(gib(s.total())).append(" GiB free");
                } else if (inv.node(node).map(n -> !n.online()).orElse(false)) {
                    out.append("  (node ").append(inv.node(node).get().status()).append(")");
                } else {
                    out.append(s.enabled() ? "  not active on this node" : "  disabled");
                }
                out.append(s.shared() ? "  shared" : "").append('\n');
            }
        });
        List<Inventory.Guest> vmTemplates = inv.vmTemplates();
        out.append("\nVM templates (clone { vm_id }):");
        if (vmTemplates.isEmpty()) {
            out.append(" none\n");
        } else {
            out.append('\n');
            for (Inventory.Guest t : vmTemplates) {
                out.append("  ").append(t.vmid()).append("  ").append(t.name()).append("  on ").append(t.node())
                        .append(t.diskStorages().isEmpty() ? "" : "  disks on " + String.join(",", t.diskStorages()))
                        .append('\n');
            }
        }
        out.append("container templates (operating_system { template_file_id }):");
        Map<String, List<String>> ct = new TreeMap<>();
        inv.ctTemplates().forEach(t -> ct.computeIfAbsent(t.volid(), k -> new java.util.ArrayList<>()).add(t.node()));
        if (ct.isEmpty()) {
            out.append(" none\n");
        } else {
            out.append('\n');
            ct.forEach((volid, nodes) -> out.append("  ").append(volid).append("  on ")
                    .append(nodes.stream().distinct().sorted().collect(Collectors.joining(","))).append('\n'));
        }
        out.append("\nguests (VMID type name node status):\n");
        for (Inventory.Guest g : inv.guests()) {
            if (g.template()) {
                continue;
            }
            out.append("  ").append(g.vmid()).append("  ").append(g.isVm() ? "vm" : "ct").append("  ")
                    .append(g.name().isEmpty() ? "-" : g.name()).append("  ").append(g.node()).append("  ")
                    .append(g.status()).append('\n');
        }
        out.append("\nnext free VMID: ").append(inv.nextVmid()).append('\n');
        if (!inv.warnings().isEmpty()) {
            out.append("\nwarnings:\n");
            inv.warnings().forEach(w -> out.append("  - ").append(w).append('\n'));
        }
        return out.toString();
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / GIB);
    }
}
