package dev.minilab.runtime.proxmox;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads an {@link Inventory} with the endpoints of issue 10: {@code version}, {@code cluster/status},
 * {@code nodes}, {@code cluster/resources}, {@code nodes/{node}/status}, {@code nodes/{node}/storage},
 * {@code nodes/{node}/storage/{storage}/content} and {@code cluster/nextid}. Only online nodes are asked for their
 * own status, storage and content (an offline node cannot answer). What is essential (version, nodes, resources,
 * nextid) fails the read with the client's message; what is optional becomes a warning in the inventory.
 */
public final class InventoryReader {

    private final ProxmoxClient client;
    private final Clock clock;

    public InventoryReader(ProxmoxClient client) {
        this(client, Clock.systemUTC());
    }

    public InventoryReader(ProxmoxClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /**
     * Reads the whole cluster.
     *
     * @throws ProxmoxException when an essential endpoint fails (the message says what to fix)
     */
    public Inventory read() {
        List<String> warnings = new ArrayList<>();
        String version = client.get("version").path("version").asText("?");
        String clusterName = "";
        Map<String, Boolean> clusterOnline = new HashMap<>();
        try {
            for (JsonNode entry : client.get("cluster/status")) {
                if ("cluster".equals(entry.path("type").asText())) {
                    clusterName = entry.path("name").asText("");
                    if (entry.path("quorate").asInt(1) == 0) {
                        warnings.add("the cluster is NOT quorate: Proxmox refuses to create guests until quorum is "
                                + "back");
                    }
                } else if ("node".equals(entry.path("type").asText())) {
                    clusterOnline.put(entry.path("name").asText(), entry.path("online").asInt(0) == 1);
                }
            }
        } catch (ProxmoxException e) {
            warnings.add("cluster status not read (" + e.getMessage() + ")");
        }

        List<JsonNode> nodeEntries = new ArrayList<>();
        client.get("nodes").forEach(nodeEntries::add);
        JsonNode resources = client.get("cluster/resources");

        List<Inventory.Node> nodes = new ArrayList<>();
        for (JsonNode n : nodeEntries) {
            String name = n.path("node").asText();
            String status = n.path("status").asText("unknown");
            if ("online".equals(status) && Boolean.FALSE.equals(clusterOnline.get(name))) {
                status = "offline";
            }
            int cores = 0;
            int sockets = 0;
            String model = "";
            long rootUsed = n.path("disk").asLong();
            long rootTotal = n.path("maxdisk").asLong();
            long mem = n.path("mem").asLong();
            long maxMem = n.path("maxmem").asLong();
            double cpu = n.path("cpu").asDouble();
            if ("online".equals(status)) {
                try {
                    JsonNode s = client.get("nodes/" + encode(name) + "/status");
                    cores = s.path("cpuinfo").path("cores").asInt();
                    sockets = s.path("cpuinfo").path("sockets").asInt();
                    model = s.path("cpuinfo").path("model").asText("");
                    if (s.path("rootfs").has("total")) {
                        rootTotal = s.path("rootfs").path("total").asLong();
                        rootUsed = s.path("rootfs").path("used").asLong();
                    }
                    if (s.path("memory").has("total")) {
                        maxMem = s.path("memory").path("total").asLong();
                        mem = s.path("memory").path("used").asLong();
                    }
                } catch (ProxmoxException e) {
                    warnings.add("status of node " + name + " not read (" + e.getMessage() + ")");
                }
            }
            nodes.add(new Inventory.Node(name, status, n.path("maxcpu").asInt(), cpu, mem, maxMem, rootUsed, rootTotal,
                    cores, sockets, model));
        }

        List<Inventory.Guest> guests = new ArrayList<>();
        Map<String, JsonNode> clusterStorages = new LinkedHashMap<>();
        for (JsonNode r : resources) {
            String type = r.path("type").asText();
            if (type.equals("qemu") || type.equals("lxc")) {
                guests.add(new Inventory.Guest(r.path("vmid").asInt(), type, r.path("name").asText(""),
                        r.path("node").asText(), r.path("status").asText(), r.path("template").asInt(0) == 1,
                        r.path("maxcpu").asInt(), r.path("maxmem").asLong(), r.path("maxdisk").asLong(), List.of()));
            } else if (type.equals("storage")) {
                clusterStorages.put(r.path("node").asText() + "/" + r.path("storage").asText(), r);
            }
        }

        List<Inventory.Storage> storages = new ArrayList<>();
        List<Inventory.CtTemplate> ctTemplates = new ArrayList<>();
        Map<Integer, List<String>> templateDisks = new HashMap<>();
        for (Inventory.Node node : nodes) {
            if (!node.online()) {
                clusterStorages.values().stream().filter(r -> r.path("node").asText().equals(node.name()))
                        .forEach(r -> storages.add(new Inventory.Storage(node.name(), r.path("storage").asText(),
                                r.path("plugintype").asText(), content(r.path("content").asText()),
                                r.path("shared").asInt() == 1, false, true, r.path("maxdisk").asLong(),
                                r.path("disk").asLong(), 0)));
                continue;
            }
            JsonNode list;
            try {
                list = client.get("nodes/" + encode(node.name()) + "/storage");
            } catch (ProxmoxException e) {
                warnings.add("storage of node " + node.name() + " not read (" + e.getMessage() + ")");
                continue;
            }
            Set<Integer> templatesHere = guests.stream().filter(g -> g.template() && g.node().equals(node.name()))
                    .map(Inventory.Guest::vmid).collect(Collectors.toSet());
            for (JsonNode s : list) {
                Inventory.Storage storage = new Inventory.Storage(node.name(), s.path("storage").asText(),
                        s.path("type").asText(), content(s.path("content").asText()), s.path("shared").asInt() == 1,
                        s.path("active").asInt(1) == 1, s.path("enabled").asInt(1) == 1, s.path("total").asLong(),
                        s.path("used").asLong(), s.path("avail").asLong());
                storages.add(storage);
                if (!storage.usable()) {
                    continue;
                }
                if (storage.holds("vztmpl")) {
                    try {
                        for (JsonNode v : client.get(contentPath(node.name(), storage.storage(), "vztmpl"))) {
                            ctTemplates.add(new Inventory.CtTemplate(node.name(), storage.storage(),
                                    v.path("volid").asText(), v.path("size").asLong(), storage.shared()));
                        }
                    } catch (ProxmoxException e) {
                        warnings.add("container templates on " + node.name() + "/" + storage.storage()
                                + " not read (" + e.getMessage() + ")");
                    }
                }
                if (!templatesHere.isEmpty() && (storage.holds("images") || storage.holds("rootdir"))) {
                    try {
                        for (JsonNode v : client.get(contentPath(node.name(), storage.storage(), "images"))) {
                            int vmid = v.path("vmid").asInt(-1);
                            if (templatesHere.contains(vmid)) {
                                templateDisks.computeIfAbsent(vmid, k -> new ArrayList<>()).add(storage.storage());
                            }
                        }
                    } catch (ProxmoxException e) {
                        warnings.add("disks on " + node.name() + "/" + storage.storage() + " not read ("
                                + e.getMessage() + ")");
                    }
                }
            }
        }
        List<Inventory.Guest> withDisks = guests.stream().map(g -> templateDisks.containsKey(g.vmid())
                ? new Inventory.Guest(g.vmid(), g.type(), g.name(), g.node(), g.status(), g.template(), g.maxCpu(),
                g.maxMem(), g.maxDisk(), templateDisks.get(g.vmid()).stream().distinct().toList())
                : g).toList();

        int next = client.get("cluster/nextid").asInt();
        Set<Integer> used = new HashSet<>();
        guests.forEach(g -> used.add(g.vmid()));
        while (used.contains(next)) {
            next++;
        }
        if (nodes.stream().anyMatch(n -> !n.online())) {
            warnings.add("offline node(s): " + nodes.stream().filter(n -> !n.online()).map(Inventory.Node::name)
                    .collect(Collectors.joining(", ")) + " (nothing is placed there)");
        }
        return new Inventory(version, clusterName, nodes, storages, withDisks, ctTemplates, next, warnings,
                client.settings().insecure(), clock.instant());
    }

    private static Set<String> content(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }

    private static String contentPath(String node, String storage, String content) {
        return "nodes/" + encode(node) + "/storage/" + encode(storage) + "/content?content=" + content;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
