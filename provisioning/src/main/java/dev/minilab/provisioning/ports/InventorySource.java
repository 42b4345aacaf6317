package dev.minilab.provisioning.ports;

import java.util.Optional;

/**
 * The live cluster inventory (nodes, storages with content types, templates, VMIDs in use) as compact text for the
 * diagnosis prompt. Integration point for the Proxmox API client ({@code proxmox_inventory}): until it is wired,
 * the Terraform target uses {@link #none()} and the simulated target its own simulated cluster.
 */
@FunctionalInterface
public interface InventorySource {

    /** The inventory now, or empty when none is available (the diagnosis then says so to the model). */
    Optional<String> snapshot();

    static InventorySource none() {
        return Optional::empty;
    }
}
