package dev.minilab.provisioning.backend;

import java.util.Objects;

/**
 * One guest the apply created, as the module's outputs describe it.
 *
 * @param id       VMID
 * @param hostname the hostname the module gave it
 * @param address  where SSH reaches it ({@code 10.0.0.5} or {@code host:port}); null while unknown
 */
public record Guest(String id, String hostname, String address) {
    public Guest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostname, "hostname");
    }
}
