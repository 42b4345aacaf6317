package dev.minilab.runtime.proxmox;

import dev.minilab.runtime.MiniLabException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Chooses where a guest goes, from an {@link Inventory}: only online nodes; the node with the lowest utilisation
 * after placing whose memory and CPU stay at or below the environment's limit (sizing.yaml {@code max_utilisation}:
 * prod 60 %, dev 80 %); a usable storage on that node with the right content ({@code images} for VMs,
 * {@code rootdir} for containers) and room for the disk; a VMID no guest holds. Utilisation after placing is
 * {@code (memory used + new memory) / node memory} and {@code CPU use + new cores / node CPUs} (the new guest counted
 * as fully busy); the score is the larger of the two. Nothing fits → {@link Placement.NothingFits} naming what is
 * short on each node.
 */
public final class Placer {

    static final double GIB = 1024.0 * 1024 * 1024;
    static final long MIB = 1024L * 1024;

    private final SizingRules rules;

    public Placer(SizingRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /**
     * What to place.
     *
     * @param kind     vm or ct
     * @param template optional: for a VM the template VMID to clone, for a container the template volid
     * @param storage  optional: only this storage
     * @param node     optional: only this node
     */
    public record Request(String kind, int cores, int memoryMb, int diskGb, String environment, Optional<String> storage,
                          Optional<String> node, Optional<String> template) {
        public Request {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(environment, "environment");
            storage = storage == null ? Optional.empty() : storage;
            node = node == null ? Optional.empty() : node;
            template = template == null ? Optional.empty() : template;
        }

        public static Request of(String kind, int cores, int memoryMb, int diskGb, String environment) {
            return new Request(kind, cores, memoryMb, diskGb, environment, Optional.empty(), Optional.empty(),
                    Optional.empty());
        }

        public boolean vm() {
            return kind.equals("vm");
        }
    }

    /** Where the guest goes, or why nothing fits. */
    public sealed interface Placement permits Placement.Placed, Placement.NothingFits {

        /**
         * @param memoryAfter   the node's memory use after placing (fraction)
         * @param cpuAfter      the node's CPU use after placing (fraction)
         * @param templateVmid  the VM template to clone (VMs with a template)
         * @param templateVolid the container template (containers with a template)
         * @param why           the reasons, one per line: the chosen node, each other node, storage, VMID
         */
        record Placed(String kind, String node, String storage, int vmid, int cores, int memoryMb, int diskGb,
                      String environment, double limit, double memoryAfter, double cpuAfter,
                      Optional<Integer> templateVmid, Optional<String> templateNode, Optional<String> templateVolid,
                      List<String> why) implements Placement {
            public Placed {
                why = List.copyOf(why);
            }
        }

        /** @param shortages one line per node saying which resource is short (or why it cannot be used) */
        record NothingFits(String summary, List<String> shortages) implements Placement {
            public NothingFits {
                shortages = List.copyOf(shortages);
            }
        }
    }

    private record Candidate(Inventory.Node node, Inventory.Storage storage, double memAfter, double cpuAfter) {
        double score() {
            return Math.max(memAfter, cpuAfter);
        }
    }

    /**
     * Places one guest.
     *
     * @throws MiniLabException for a bad request (kind, environment, sizes, unknown template) — not for "no room"
     */
    public Placement place(Inventory inventory, Request request) {
        String kind = request.kind().strip().toLowerCase(Locale.ROOT);
        if (kind.equals("lxc") || kind.equals("container")) {
            kind = "ct";
        } else if (kind.equals("qemu")) {
            kind = "vm";
        }
        if (!kind.equals("vm") && !kind.equals("ct")) {
            throw new MiniLabException("kind must be vm or ct (container), got '" + request.kind() + "'");
        }
        String envName = rules.environmentName(request.environment()).orElseThrow(() -> new MiniLabException(
                "unknown environment '" + request.environment() + "'; use one of " + rules.environments().keySet()));
        if (request.cores() < 1 || request.memoryMb() < 16 || request.diskGb() < 1) {
            throw new MiniLabException("cores, memory_mb and disk_gb must be positive (got " + request.cores() + ", "
                    + request.memoryMb() + ", " + request.diskGb() + "); size_workload computes them");
        }
        boolean vm = kind.equals("vm");
        double limit = rules.environments().get(envName).maxUtilisation();
        String content = vm ? "images" : "rootdir";
        long diskBytes = request.diskGb() * 1024L * MIB;
        long memBytes = request.memoryMb() * MIB;
        String pct = percent(limit);

        if (request.node().isPresent() && inventory.node(request.node().get()).isEmpty()) {
            return new Placement.NothingFits("node " + request.node().get() + " does not exist",
                    List.of("nodes: " + inventory.nodes().stream().map(n -> n.name() + " (" + n.status() + ")")
                            .collect(Collectors.joining(", "))));
        }
        Optional<Inventory.Guest> vmTemplate = Optional.empty();
        Optional<String> ctTemplate = Optional.empty();
        String onlyNodeForTemplate = null;
        String templateNote = null;
        if (request.template().isPresent()) {
            String t = request.template().get().strip();
            if (vm) {
                int id;
                try {
                    id = Integer.parseInt(t);
                } catch (NumberFormatException e) {
                    throw new MiniLabException("template for a VM is the template's VMID (a number), got '" + t + "'");
                }
                Inventory.Guest g = inventory.guest(id).filter(Inventory.Guest::isVm).orElseThrow(() ->
                        new MiniLabException("VM template " + id + " does not exist; VM templates: "
                                + templateList(inventory)));
                vmTemplate = Optional.of(g);
                boolean shared = !g.diskStorages().isEmpty() && g.diskStorages().stream().allMatch(s ->
                        inventory.storage(g.node(), s).map(Inventory.Storage::shared).orElse(false));
                if (!shared && !g.diskStorages().isEmpty()) {
                    onlyNodeForTemplate = g.node();
                    templateNote = "template " + id + " has its disks on " + String.join(",", g.diskStorages())
                            + " of " + g.node() + " (not shared): Proxmox clones to another node only from shared "
                            + "storage";
                }
            } else {
                boolean known = inventory.ctTemplates().stream().anyMatch(c -> c.volid().equals(t));
                if (!known) {
                    throw new MiniLabException("container template " + t + " does not exist; container templates: "
                            + inventory.ctTemplates().stream().map(Inventory.CtTemplate::volid).distinct().sorted()
                            .collect(Collectors.joining(", ")));
                }
                ctTemplate = Optional.of(t);
            }
        }

        List<Candidate> fits = new ArrayList<>();
        List<String> shortages = new ArrayList<>();
        for (Inventory.Node node : inventory.nodes()) {
            if (request.node().isPresent() && !request.node().get().equals(node.name())) {
                continue;
            }
            String name = node.name();
            if (!node.online()) {
                shortages.add(name + ": " + node.status() + ", nothing can be placed there");
                continue;
            }
            List<String> problems = new ArrayList<>();
            if (onlyNodeForTemplate != null && !onlyNodeForTemplate.equals(name)) {
                problems.add(templateNote);
            }
            String volid = ctTemplate.orElse(null);
            if (volid != null && inventory.ctTemplatesOn(name).stream().noneMatch(c -> c.volid().equals(volid))) {
                problems.add("container template " + volid + " is not available there");
            }
            if (node.maxCpu() > 0 && request.cores() > node.maxCpu()) {
                problems.add("CPU: only " + node.maxCpu() + " CPUs, " + request.cores() + " cores asked");
            }
            double memAfter = node.maxMem() <= 0 ? 1 : (double) (node.mem() + memBytes) / node.maxMem();
            double cpuAfter = node.maxCpu() <= 0 ? 1 : node.cpu() + (double) request.cores() / node.maxCpu();
            if (memAfter > limit) {
                problems.add(String.format(Locale.ROOT, "memory would be %s after placing (%.1f GiB used + %.1f GiB "
                                + "of %.1f GiB), over the %s limit for %s", percent(memAfter), node.mem() / GIB,
                        memBytes / GIB, node.maxMem() / GIB, pct, envName));
            }
            if (cpuAfter > limit) {
                problems.add(String.format(Locale.ROOT, "CPU would be %s after placing (%s in use + %d of %d CPUs), "
                                + "over the %s limit for %s", percent(cpuAfter), percent(node.cpu()), request.cores(),
                        node.maxCpu(), pct, envName));
            }
            Optional<Inventory.Storage> storage = storageFor(inventory, name, content, diskBytes, request.storage(),
                    problems);
            if (problems.isEmpty() && storage.isPresent()) {
                fits.add(new Candidate(node, storage.get(), memAfter, cpuAfter));
            } else {
                shortages.add(name + ": " + String.join("; ", problems));
            }
        }
        if (fits.isEmpty()) {
            String summary = "nothing fits a " + kind + " of " + Sizer.size(request.cores(), request.memoryMb(),
                    request.diskGb()) + " in " + envName + " (limit " + pct + " memory and CPU after placing)"
                    + (request.node().isPresent() ? " on " + request.node().get() : "");
            return new Placement.NothingFits(summary, shortages);
        }
        Candidate best = fits.stream().min(Comparator.comparingDouble(Candidate::score)
                .thenComparing(c -> -(c.node().maxMem() - c.node().mem()))
                .thenComparing(c -> c.node().name())).orElseThrow();
        List<String> why = new ArrayList<>();
        why.add(String.format(Locale.ROOT, "%s: memory %s (%.1f + %.1f of %.1f GiB) and CPU %s (%s in use + %d of %d "
                        + "CPUs) after placing — %s, within the %s limit for %s", best.node().name(),
                percent(best.memAfter()), best.node().mem() / GIB, memBytes / GIB, best.node().maxMem() / GIB,
                percent(best.cpuAfter()), percent(best.node().cpu()), request.cores(), best.node().maxCpu(),
                fits.size() > 1 ? "the lowest of " + fits.size() + " nodes that fit" : "the only node that fits", pct,
                envName));
        for (Candidate other : fits) {
            if (other != best) {
                why.add(String.format(Locale.ROOT, "%s: fits too, memory %s and CPU %s after placing",
                        other.node().name(), percent(other.memAfter()), percent(other.cpuAfter())));
            }
        }
        why.addAll(shortages);
        Inventory.Storage s = best.storage();
        why.add(String.format(Locale.ROOT, "storage %s (%s, content %s%s): %.1f GiB free of %.1f GiB, %.1f GiB left "
                        + "after the %d GiB disk", s.storage(), s.type(), s.contentText(), s.shared() ? ", shared" : "",
                s.avail() / GIB, s.total() / GIB, (s.avail() - diskBytes) / GIB, request.diskGb()));
        why.add("vm_id " + inventory.nextVmid() + ": the cluster's next free VMID, held by no guest");
        if (templateNote != null) {
            why.add(templateNote);
        }
        return new Placement.Placed(kind, best.node().name(), s.storage(), inventory.nextVmid(), request.cores(),
                request.memoryMb(), request.diskGb(), envName, limit, best.memAfter(), best.cpuAfter(),
                vmTemplate.map(Inventory.Guest::vmid), vmTemplate.map(Inventory.Guest::node), ctTemplate, why);
    }

    private static Optional<Inventory.Storage> storageFor(Inventory inventory, String node, String content,
                                                          long diskBytes, Optional<String> wanted,
                                                          List<String> problems) {
        List<Inventory.Storage> here = inventory.storagesOn(node);
        if (wanted.isPresent()) {
            Optional<Inventory.Storage> s = here.stream().filter(x -> x.storage().equals(wanted.get())).findFirst();
            if (s.isEmpty()) {
                problems.add("no storage " + wanted.get() + " (storages there: " + here.stream()
                        .map(Inventory.Storage::storage).collect(Collectors.joining(", ")) + ")");
                return Optional.empty();
            }
            here = List.of(s.get());
        }
        List<Inventory.Storage> right = here.stream().filter(Inventory.Storage::usable).filter(x -> x.holds(content))
                .toList();
        if (right.isEmpty()) {
            problems.add("no usable storage with content " + content + (wanted.isPresent() ? " named " + wanted.get()
                    : "") + " (" + here.stream().map(x -> x.storage() + " [" + x.contentText() + "]"
                    + (x.usable() ? "" : " inactive")).collect(Collectors.joining(", ")) + ")");
            return Optional.empty();
        }
        Optional<Inventory.Storage> roomy = right.stream().filter(x -> x.avail() >= diskBytes)
                .max(Comparator.comparingLong(Inventory.Storage::avail));
        if (roomy.isEmpty()) {
            problems.add(String.format(Locale.ROOT, "disk: no storage with content %s has %.0f GiB free (%s)", content,
                    diskBytes / GIB, right.stream().map(x -> String.format(Locale.ROOT, "%s %.1f GiB free",
                            x.storage(), x.avail() / GIB)).collect(Collectors.joining(", "))));
        }
        return roomy;
    }

    static String templateList(Inventory inventory) {
        List<Inventory.Guest> templates = inventory.vmTemplates();
        return templates.isEmpty() ? "none" : templates.stream().map(t -> t.vmid() + " " + t.name() + " (on "
                + t.node() + ")").collect(Collectors.joining(", "));
    }

    static String percent(double fraction) {
        return Math.round(fraction * 100 + 1e-9) + " %";
    }
}
