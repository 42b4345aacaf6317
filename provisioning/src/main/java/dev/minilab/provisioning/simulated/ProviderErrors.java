package dev.minilab.provisioning.simulated;

import java.util.Locale;

/**
 * The bpg/proxmox provider's error texts (0.96.x, the version the modules pin) for the fault classes the simulation
 * reproduces, and terraform's way of printing a diagnostic. Sources: proxmox-facts.md section 3 (BPG
 * {@code proxmox/api/client.go} validateResponseCode, {@code errors.go}, {@code nodes/containers/containers.go},
 * {@code nodes/vms/vms.go}, {@code nodes/tasks/tasks.go}; retry-go v4 "All attempts fail") and the PVE server messages
 * they carry.
 */
public final class ProviderErrors {

    /** The BPG sentinel joined in front of 404s and of 500s that say "does not exist" (from v0.74). */
    static final String DOES_NOT_EXIST = "the requested resource does not exist";

    private ProviderErrors() {
    }

    /** {@code received an HTTP <code> response - Reason: <reason>}, with the sentinel in front where BPG adds it. */
    static String http(int code, String reason) {
        String error = "received an HTTP " + code + " response - Reason: " + reason;
        if (code == 404 || (code == 500 && (reason.contains("does not exist") || reason.contains("no such resource")))) {
            return DOES_NOT_EXIST + "\n" + error;
        }
        return error;
    }

    /** A 400 parameter error: {@code Parameter verification failed. (param: msg)}. */
    static String parameter(String param, String message) {
        return http(400, "Parameter verification failed. (" + param + ": " + message + ")");
    }

    /** PVE: the node name does not resolve (rest_handler proxyto → remote_node_ip → DNS). */
    static String nodeLookup(String node) {
        return http(500, "hostname lookup '" + node + "' failed - failed to get address info for: " + node
                + ": Name or service not known");
    }

    /** PVE Storage.pm: a storage id not in storage.cfg. */
    static String storageMissing(String storage) {
        return http(500, "storage '" + storage + "' does not exist");
    }

    static String storageNotOnNode(String storage, String node) {
        return http(500, "storage '" + storage + "' is not available on node '" + node + "'");
    }

    /** A task that ended with an error exit status. */
    static String taskFailed(String upid, String exitStatus) {
        return "task \"" + upid + "\" failed to complete with exit code: " + exitStatus;
    }

    /** The UPID of a task: {@code UPID:node:pid:pstart:starttime:type:id:user:}. */
    static String upid(String node, int sequence, String type, int vmid) {
        int pid = 0x000B3C00 + sequence;
        int pstart = 0x01A2B300 + sequence;
        int start = 0x6790AB00 + sequence;
        return String.format(Locale.ROOT, "UPID:%s:%08X:%08X:%08X:%s:%d:root@pam!minilab:", node, pid, pstart, start,
                type, vmid);
    }

    // ---- containers (error creating container / waiting for container created / start) ----

    static String ctCreate(String apiError) {
        return "error creating container: " + apiError;
    }

    static String ctWaitCreated(String taskError) {
        return "error waiting for container created: " + taskError;
    }

    static String ctWaitStart(String taskError) {
        return "error waiting for container start: " + taskError;
    }

    // ---- VMs (clone is retried by retry-go: "All attempts fail:\n#1: ...") ----

    static String vmClone(String apiError) {
        return "error waiting for VM clone: All attempts fail:\n#1: error cloning VM: " + apiError;
    }

    static String vmWaitStart(String taskError) {
        return "error waiting for VM start: " + taskError;
    }

    /**
     * Prints one error as terraform 1.x does on a terminal (colours removed): the {@code ╷ │ ╵} ruler, the summary
     * lines, and the resource and source line it belongs to.
     *
     * @param summary  the provider's error (may span lines)
     * @param address  e.g. {@code proxmox_virtual_environment_container.this[0]}
     * @param line     line of the resource block in main.tf
     * @param resource e.g. {@code proxmox_virtual_environment_container}
     */
    public static String terraformError(String summary, String address, int line, String resource) {
        StringBuilder out = new StringBuilder("╷\n");
        String[] lines = ("Error: " + summary).split("\n", -1);
        for (String l : lines) {
            out.append("│ ").append(l).append('\n');
        }
        out.append("│ \n");
        out.append("│   with ").append(address).append(",\n");
        out.append("│   on main.tf line ").append(line).append(", in resource \"").append(resource)
                .append("\" \"this\":\n");
        out.append("│ ").append(String.format(Locale.ROOT, "%4d", line)).append(": resource \"").append(resource)
                .append("\" \"this\" {\n");
        out.append("│ \n");
        out.append("╵\n");
        return out.toString();
    }
}
