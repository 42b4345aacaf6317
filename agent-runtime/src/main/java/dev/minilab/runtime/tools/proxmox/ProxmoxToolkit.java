package dev.minilab.runtime.tools.proxmox;

import dev.minilab.runtime.proxmox.Inventory;
import dev.minilab.runtime.proxmox.InventoryReader;
import dev.minilab.runtime.proxmox.Placer;
import dev.minilab.runtime.proxmox.ProxmoxClient;
import dev.minilab.runtime.proxmox.ProxmoxException;
import dev.minilab.runtime.proxmox.ProxmoxSettings;
import dev.minilab.runtime.proxmox.Sizer;
import dev.minilab.runtime.proxmox.SizingRules;
import dev.minilab.runtime.tools.Tool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One agent process's access to the cluster: the API client (when PM_API_URL is set), a short-lived inventory cache
 * shared by the tools and the Terraform checks, and the sizing rules. Makes the {@code proxmox_inventory},
 * {@code size_workload} and {@code place_workload} tools. Thread-safe.
 */
public final class ProxmoxToolkit {

    /** How long one inventory read is reused (tools called in one turn see the same cluster, a later turn reads again). */
    public static final Duration CACHE_TTL = Duration.ofSeconds(10);
    static final String NOT_CONFIGURED = "Proxmox is not configured: set PM_API_URL (https://host:8006), PM_TOKEN_ID "
            + "(user@realm!tokenname) and PM_TOKEN_SECRET in .env, and PM_CA_FILE for the cluster's CA; "
            + "./minilab inventory checks them";

    private final Optional<ProxmoxClient> client;
    private final SizingRules rules;
    private final Clock clock;
    private final Duration ttl;
    private Inventory cached;
    private Instant cachedAt = Instant.MIN;

    public ProxmoxToolkit(Optional<ProxmoxSettings> settings, SizingRules rules, Clock clock, Duration ttl) {
        this.client = settings.map(ProxmoxClient::new);
        this.rules = Objects.requireNonNull(rules, "rules");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    /**
     * Builds the toolkit from the env: {@link ProxmoxSettings#fromEnv} and {@link SizingRules#locate}.
     *
     * @throws dev.minilab.runtime.config.ConfigException for a malformed PM_* variable or sizing file
     */
    public static ProxmoxToolkit fromEnv(Map<String, String> env, Path workspace) {
        return new ProxmoxToolkit(ProxmoxSettings.fromEnv(env, workspace), SizingRules.locate(env, workspace),
                Clock.systemUTC(), CACHE_TTL);
    }

    public Optional<ProxmoxSettings> settings() {
        return client.map(ProxmoxClient::settings);
    }

    public boolean configured() {
        return client.isPresent();
    }

    public SizingRules rules() {
        return rules;
    }

    /**
     * The cluster, read at most {@link #CACHE_TTL} ago.
     *
     * @throws ProxmoxException when not configured or the API fails (the message says what to fix)
     */
    public synchronized Inventory inventory() {
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cachedAt.plus(ttl))) {
            return cached;
        }
        ProxmoxClient c = client.orElseThrow(() -> new ProxmoxException("PM_API_URL", 0, NOT_CONFIGURED));
        cached = new InventoryReader(c, clock).read();
        cachedAt = now;
        return cached;
    }

    /** The inventory as the Terraform checks take it; empty when Proxmox is not configured. */
    public Optional<Supplier<Inventory>> inventorySource() {
        return client.isPresent() ? Optional.of(this::inventory) : Optional.empty();
    }

    /** {@code proxmox_inventory(node?)}. */
    public Tool inventoryTool() {
        return new ProxmoxInventoryTool(this);
    }

    /** {@code size_workload(workload, environment, users, cores?, memory_mb?, disk_gb?)}. */
    public Tool sizeTool() {
        return new SizeWorkloadTool(new Sizer(rules));
    }

    /** {@code place_workload(kind, cores, memory_mb, disk_gb, environment, storage?, node?, template?)}. */
    public Tool placeTool() {
        return new PlaceWorkloadTool(this, new Placer(rules));
    }
}
