package dev.minilab.runtime.proxmox;

import dev.minilab.runtime.MiniLabException;

/**
 * A Proxmox API call failed. The message names the endpoint, the HTTP status (when one came back) and what to fix;
 * it never contains the token secret.
 */
public class ProxmoxException extends MiniLabException {

    private final String endpoint;
    private final int status;

    public ProxmoxException(String endpoint, int status, String message) {
        super(message);
        this.endpoint = endpoint;
        this.status = status;
    }

    public ProxmoxException(String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
        this.status = 0;
    }

    /** The request, e.g. {@code GET /api2/json/cluster/resources}. */
    public String endpoint() {
        return endpoint;
    }

    /** The HTTP status, or 0 when no response came (TLS, connection, timeout). */
    public int status() {
        return status;
    }
}
