package dev.minilab.runtime.tools.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a killed terraform run can leave in a module, and the exact way back: an empty {@code terraform.tfstate}
 * (killed while writing it: a later plan would create everything again) and a state lock (the local backend's
 * {@code .terraform.tfstate.lock.info}; a remote backend names its lock in "Error acquiring the state lock").
 */
final class StateCheck {

    /** A state lock as terraform records it. */
    record Lock(String id, String operation, String who, String created) { }

    static final String STATE_FILE = "terraform.tfstate";
    static final String LOCK_FILE = ".terraform.tfstate.lock.info";
    private static final Pattern LOCK_ID_IN_OUTPUT = Pattern.compile("Lock Info:\\s*\\n\\s*ID:\\s*(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateCheck() {
    }

    /** The local backend's lock info, when the file is there. */
    static Optional<Lock> localLock(Path moduleDir) {
        Path file = moduleDir.resolve(LOCK_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode info = JSON.readTree(file.toFile());
            return Optional.of(new Lock(info.path("ID").asText("?"), info.path("Operation").asText("?"),
                    info.path("Who").asText("?"), info.path("Created").asText("?")));
        } catch (IOException e) {
            return Optional.of(new Lock("?", "?", "?", "?"));
        }
    }

    /** The lock id terraform printed when it could not take the lock. */
    static Optional<String> lockIdInOutput(String output) {
        Matcher m = LOCK_ID_IN_OUTPUT.matcher(output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** True when the state file exists but holds nothing (terraform was killed while writing it). */
    static boolean stateIsEmpty(Path moduleDir) {
        Path state = moduleDir.resolve(STATE_FILE);
        try {
            return Files.isRegularFile(state) && Files.readString(state).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    /** Why plan and apply must not run on an empty state, and how to recover. */
    static String emptyStateProblem(String module, Path moduleDir) {
        boolean backup = Files.isRegularFile(moduleDir.resolve(STATE_FILE + ".backup"));
        return module + "/" + STATE_FILE + " is EMPTY: a terraform run was killed while writing it. Terraform would "
                + "now believe nothing exists and create everything again (duplicate VMs), so MiniLab runs no plan or "
                + "apply here. Ask the user to recover the state: " + (backup
                ? STATE_FILE + ".backup holds the state from before the killed run; resources that run created are "
                + "in neither file and must be found on the real infrastructure and imported or removed"
                : "no " + STATE_FILE + ".backup exists (the killed run was the first apply), so the resources that run "
                + "created are in no state: find them on the real infrastructure (e.g. in Proxmox), remove or import "
                + "them") + ", then restore or delete the empty " + STATE_FILE + ".";
    }

    /** The recovery step for a lock a killed run left behind. */
    static String lockRecovery(String module, String lockId, String how) {
        return "The state of " + module + " is locked (" + how + ", lock ID " + lockId + "). Make sure no terraform "
                + "is still running for this module (MiniLab runs none for it now), then release the lock with "
                + "run_terraform(module_dir=\"" + module + "\", command=\"force-unlock\", lock_id=\"" + lockId + "\") "
                + "-- it goes through the approval gate; MiniLab never unlocks by itself. Then run plan to see what "
                + "the interrupted run left (a half-made resource is marked tainted and will be replaced).";
    }
}
