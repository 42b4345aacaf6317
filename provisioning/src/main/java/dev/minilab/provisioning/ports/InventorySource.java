package dev.minilab.provisioning.ports;

import dev.minilab.runtime.proxmox.Inventory;
import dev.minilab.runtime.proxmox.InventoryText;
import dev.minilab.runtime.proxmox.ProxmoxException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The cluster inventory (nodes, storages with content types, templates, VMIDs in use) as compact text for the
 * diagnosis prompt, rendered exactly as {@code proxmox_inventory} and {@code ./minilab inventory} show it: the real
 * target reads it through the Proxmox API client when PM_API_URL is set ({@link #of}), the simulated target renders
 * its simulated cluster the same way, and without PM_API_URL there is {@link #none()}.
 */
@FunctionalInterface
public interface InventorySource {

    /** The inventory now, or empty when none is available (the diagnosis then says so to the model). */
    Optional<String> snapshot();

    static InventorySource none() {
        return Optional::empty;
    }

    /**
     * The cluster {@code cluster} returns, rendered by {@link InventoryText}. When the API cannot be read, the text
     * says so with the client's message (which names the setting to fix) instead of an inventory.
     */
    static InventorySource of(Supplier<Inventory> cluster) {
        return () -> {
            try {
                return Optional.of(InventoryText.render(cluster.get()));
            } catch (ProxmoxException e) {
                return Optional.of("(the live inventory could not be read: " + e.getMessage() + ")");
            }
        };
    }
}
