package dev.minilab.runtime.iac;

import dev.minilab.runtime.hcl.HclBlock;
import dev.minilab.runtime.hcl.HclBody;
import dev.minilab.runtime.hcl.HclExpr;
import dev.minilab.runtime.proxmox.Inventory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Checks the values a bpg/proxmox resource names against the live cluster, before {@code plan}: {@code node_name}
 * (exists, online), every {@code datastore_id} (exists on that node, active, holds the right content — the provider's
 * default {@code local-lvm}/{@code local} counts when none is set), the clone source VMID (an existing VM
 * template, on a node the clone may be made from), a container's {@code template_file_id} (on that node) and
 * {@code vm_id} (no other guest holds it; with a known {@code count}, each instance's, e.g.
 * {@code var.vm_id + count.index}). Values terraform only knows at plan time are skipped, not guessed.
 */
final class InventoryRules {

    static final String VM = "proxmox_virtual_environment_vm";
    static final String CT = "proxmox_virtual_environment_container";
    /** More instances than this are not expanded for the VMID check (no homelab module makes that many). */
    private static final int MAX_COUNT = 1000;

    private InventoryRules() {
    }

    /**
     * @param managedVmids VMIDs the module's own state already holds (re-planning them is not a conflict)
     */
    static void check(ModuleInstance module, Inventory inventory, Set<Integer> managedVmids,
                      Function<Path, String> display, List<Finding> out) {
        for (ModuleInstance.Located l : module.blocks("resource")) {
            HclBlock b = l.block();
            String type = b.label(0);
            if (!type.equals(VM) && !type.equals(CT)) {
                continue;
            }
            boolean vm = type.equals(VM);
            String file = display.apply(l.file().path());
            String what = "resource \"" + type + "\" \"" + b.label(1) + "\"" + (module.via().isEmpty() ? ""
                    : " in " + module.via());
            Scope scope = module.scope();
            HclBody body = b.body();
            Optional<String> node = body.expr("node_name").flatMap(scope::string);
            boolean nodeOk = node.isPresent() && checkNode(inventory, node.get(), what, file, line(body, "node_name",
                    b), out);
            String content = vm ? "images" : "rootdir";
            String contentWord = vm ? "VM disks" : "container disks";
            for (HclBody.Nested disk : body.nested("disk")) {
                checkStorage(inventory, nodeOk ? node.get() : null, disk.body(), vm ? "local-lvm" : "local", content,
                        contentWord, what + " disk", file, disk.line(), scope, out);
            }
            if (vm) {
                for (String block : List.of("initialization", "efi_disk", "tpm_state")) {
                    for (HclBody.Nested n : body.nested(block)) {
                        checkStorage(inventory, nodeOk ? node.get() : null, n.body(),
                                block.equals("initialization") ? "local-lvm" : null, "images", "VM disks",
                                what + " " + block, file, n.line(), scope, out);
                    }
                }
            } else {
                for (HclBody.Nested os : body.nested("operating_system")) {
                    os.body().expr("template_file_id").flatMap(scope::string).ifPresent(volid ->
                            checkCtTemplate(inventory, nodeOk ? node.get() : null, volid, what, file,
                                    line(os.body(), "template_file_id", b), out));
                }
            }
            for (HclBody.Nested clone : body.nested("clone")) {
                Optional<Integer> source = clone.body().expr("vm_id").flatMap(scope::integer);
                Optional<String> cloneNode = clone.body().expr("node_name").flatMap(scope::string);
                source.ifPresent(id -> checkCloneSource(inventory, id, vm, cloneNode, nodeOk ? node.get() : null, what,
                        file, line(clone.body(), "vm_id", b), out));
                if (clone.body().expr("datastore_id").isPresent()) {
                    checkStorage(inventory, nodeOk ? node.get() : null, clone.body(), null, content, contentWord,
                            what + " clone", file, clone.line(), scope, out);
                }
            }
            Optional<HclExpr> count = body.expr("count");
            List<Scope> instances = body.expr("for_each").isPresent() ? List.of()
                    : count.isEmpty() ? List.of(scope) : counted(scope, count.get());
            for (int i = 0; i < instances.size(); i++) {
                Scope instance = instances.get(i);
                Optional<Integer> vmid = body.expr("vm_id").flatMap(instance::integer);
                if (vmid.isEmpty()) {
                    continue;
                }
                Optional<String> name = body.expr(vm ? "name" : "hostname").flatMap(instance::string)
                        .or(() -> body.nested("initialization").stream().findFirst()
                                .flatMap(n -> n.body().expr("hostname").flatMap(instance::string)));
                checkVmid(inventory, vmid.get(), name, node, managedVmids, count.isEmpty() ? what
                        : what + " [" + i + "]", file, line(body, "vm_id", b), out);
            }
        }
    }

    /** One scope per instance when {@code count} is known (and sane), none when it is not. */
    private static List<Scope> counted(Scope scope, HclExpr count) {
        return scope.integer(count).filter(n -> n >= 0 && n <= MAX_COUNT).map(n -> IntStream.range(0, n)
                .mapToObj(scope::withCountIndex).toList()).orElse(List.of());
    }

    private static boolean checkNode(Inventory inventory, String node, String what, String file, int line,
                                     List<Finding> out) {
        Optional<Inventory.Node> found = inventory.node(node);
        if (found.isEmpty()) {
            out.add(Finding.error(file, line, what + ": node_name \"" + node + "\" is not a node of this cluster; "
                    + "nodes: " + nodeList(inventory)));
            return false;
        }
        if (!found.get().online()) {
            out.add(Finding.error(file, line, what + ": node_name \"" + node + "\" is " + found.get().status()
                    + "; online nodes: " + inventory.onlineNodes().stream().map(Inventory.Node::name)
                    .collect(Collectors.joining(", ")) + " (place_workload picks one with room)"));
            return false;
        }
        return true;
    }

    private static void checkStorage(Inventory inventory, String node, HclBody body, String providerDefault,
                                     String content, String contentWord, String what, String file, int line,
                                     Scope scope, List<Finding> out) {
        Optional<HclExpr> expr = body.expr("datastore_id");
        String storage;
        String note = "";
        if (expr.isPresent()) {
            Optional<String> value = scope.string(expr.get());
            if (value.isEmpty()) {
                return;
            }
            storage = value.get();
            line = body.attribute("datastore_id").map(a -> a.line() > 0 ? a.line() : 0).orElse(line);
        } else if (providerDefault != null) {
            storage = providerDefault;
            note = " (the provider's default, as datastore_id is not set)";
        } else {
            return;
        }
        if (node == null) {
            boolean anywhere = inventory.storages().stream().anyMatch(s -> s.storage().equals(storage));
            if (!anywhere) {
                out.add(Finding.error(file, line, what + ": datastore_id \"" + storage + "\"" + note
                        + " does not exist in this cluster; storages that hold " + contentWord + ": "
                        + names(inventory.storages().stream().filter(s -> s.holds(content)).map(
                        Inventory.Storage::storage).distinct().toList())));
            }
            return;
        }
        List<Inventory.Storage> right = inventory.storagesOn(node).stream().filter(Inventory.Storage::usable)
                .filter(s -> s.holds(content)).toList();
        String valid = names(right.stream().map(Inventory.Storage::storage).toList());
        Optional<Inventory.Storage> s = inventory.storage(node, storage);
        if (s.isEmpty()) {
            out.add(Finding.error(file, line, what + ": datastore_id \"" + storage + "\"" + note + " does not exist on "
                    + "node " + node + "; storages there that hold " + contentWord + " (content " + content + "): "
                    + valid));
        } else if (!s.get().usable()) {
            out.add(Finding.error(file, line, what + ": datastore_id \"" + storage + "\"" + note + " is "
                    + (s.get().enabled() ? "not active" : "disabled") + " on node " + node + "; usable storages "
                    + "there for " + contentWord + ": " + valid));
        } else if (!s.get().holds(content)) {
            out.add(Finding.error(file, line, what + ": datastore_id \"" + storage + "\"" + note + " on node " + node
                    + " cannot hold " + contentWord + " (its content is " + s.get().contentText() + ", "
                    + content + " is needed); use " + valid));
        }
    }

    private static void checkCloneSource(Inventory inventory, int id, boolean vm, Optional<String> cloneNode,
                                         String targetNode, String what, String file, int line, List<Finding> out) {
        Optional<Inventory.Guest> source = inventory.guest(id).filter(g -> g.isVm() == vm);
        if (source.isEmpty()) {
            out.add(Finding.error(file, line, what + ": clone vm_id " + id + " is not a " + (vm ? "VM" : "container")
                    + " in this cluster; " + (vm ? "VM templates: " + templates(inventory)
                    : "container templates to clone: " + inventory.guests().stream().filter(g -> g.template()
                    && !g.isVm()).map(g -> g.vmid() + " " + g.name()).collect(Collectors.joining(", ")))));
            return;
        }
        Inventory.Guest g = source.get();
        if (cloneNode.isPresent() && !cloneNode.get().equals(g.node())) {
            out.add(Finding.error(file, line, what + ": clone node_name \"" + cloneNode.get() + "\" is not where "
                    + g.kindWord() + " " + id + " is; it is on " + g.node() + ": write clone { node_name = \""
                    + g.node() + "\" }"));
        }
        if (targetNode != null && !targetNode.equals(g.node()) && !g.diskStorages().isEmpty()
                && !g.diskStorages().stream().allMatch(s -> inventory.storage(g.node(), s)
                .map(Inventory.Storage::shared).orElse(false))) {
            out.add(Finding.error(file, line, what + ": " + g.kindWord() + " " + id + " has its disks on "
                    + String.join(",", g.diskStorages()) + " of " + g.node() + " (not shared), so Proxmox can clone "
                    + "it only on " + g.node() + ", not on " + targetNode + ": use node_name = \"" + g.node()
                    + "\" or a template on shared storage"));
        }
        if (!g.template()) {
            out.add(Finding.note(file, line, what + ": clone source " + id + " (" + g.name() + ") is not a template; "
                    + "Proxmox clones it as it is"));
        }
    }

    private static void checkCtTemplate(Inventory inventory, String node, String volid, String what, String file,
                                        int line, List<Finding> out) {
        boolean anywhere = inventory.ctTemplates().stream().anyMatch(t -> t.volid().equals(volid));
        boolean here = node != null && inventory.ctTemplatesOn(node).stream().anyMatch(t -> t.volid().equals(volid));
        if (here || (node == null && anywhere)) {
            return;
        }
        String available = node == null ? names(inventory.ctTemplates().stream().map(Inventory.CtTemplate::volid)
                .distinct().toList())
                : names(inventory.ctTemplatesOn(node).stream().map(Inventory.CtTemplate::volid).distinct().toList());
        out.add(Finding.error(file, line, what + ": template_file_id \"" + volid + "\" is not "
                + (anywhere ? "available on node " + node : "a container template in this cluster")
                + "; container templates" + (node == null ? "" : " on " + node) + ": " + available
                + " (download one with pveam, or use what is there)"));
    }

    private static void checkVmid(Inventory inventory, int vmid, Optional<String> name, Optional<String> node,
                                  Set<Integer> managed, String what, String file, int line, List<Finding> out) {
        if (vmid < 100 || vmid > 999_999_999) {
            out.add(Finding.error(file, line, what + ": vm_id " + vmid + " is outside 100..999999999 (Proxmox's "
                    + "range); the next free VMID is " + inventory.nextVmid()));
            return;
        }
        Optional<Inventory.Guest> holder = inventory.guest(vmid);
        if (holder.isEmpty()) {
            return;
        }
        Inventory.Guest g = holder.get();
        boolean ours = managed.contains(vmid) || (name.isPresent() && name.get().equals(g.name())
                && node.map(n -> n.equals(g.node())).orElse(true) && !g.template());
        if (ours) {
            return;
        }
        out.add(Finding.error(file, line, what + ": vm_id " + vmid + " is already used by " + g.kindWord() + " "
                + vmid + (g.name().isEmpty() ? "" : " \"" + g.name() + "\"") + " on " + g.node()
                + (g.template() ? " (a template)" : "") + "; the next free VMID is " + inventory.nextVmid()
                + " (or leave vm_id out and let Proxmox choose)"));
    }

    private static int line(HclBody body, String attribute, HclBlock block) {
        return body.attribute(attribute).map(a -> a.line()).filter(l -> l > 0).orElse(block.line());
    }

    private static String nodeList(Inventory inventory) {
        return inventory.nodes().stream().map(n -> n.name() + " (" + n.status() + ")").collect(Collectors.joining(", "));
    }

    private static String templates(Inventory inventory) {
        List<Inventory.Guest> t = inventory.vmTemplates();
        return t.isEmpty() ? "none" : t.stream().map(g -> g.vmid() + " " + g.name() + " (on " + g.node() + ")")
                .collect(Collectors.joining(", "));
    }

    private static String names(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
