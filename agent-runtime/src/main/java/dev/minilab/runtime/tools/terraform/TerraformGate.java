package dev.minilab.runtime.tools.terraform;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the approval gate plugs into {@code run_terraform}: told of every saved plan, asked before a plan is applied
 * (before it is used up) and before a state lock is force-unlocked. {@link #OPEN} approves everything (no gate).
 */
public interface TerraformGate {

    /** No gate: every apply and force-unlock may go ahead. */
    TerraformGate OPEN = new TerraformGate() { };

    /** A plan was saved (a new plan of a module may void earlier approvals of that module). */
    default void planned(PlanRecord plan) {
    }

    /** Why {@code caller} may not apply {@code plan} now; empty when it may. */
    default Optional<String> applyRefusal(PlanRecord plan, String caller) {
        return Optional.empty();
    }

    /** Why {@code caller} may not release lock {@code lockId} of the module at {@code moduleDir}; empty when it may. */
    default Optional<String> forceUnlockRefusal(Path moduleDir, String lockId, String caller) {
        return Optional.empty();
    }
}
