package dev.minilab.runtime.tools.ansible;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One ansible-playbook run.
 *
 * @param playbook  the playbook file (real path, already checked to be under generated_iac/config)
 * @param inventory an inventory file (real path) or an inline host list such as {@code 10.0.0.5,10.0.0.6,}
 * @param limit     the {@code --limit} pattern, or null
 * @param extraVars extra variables (no {@code ansible_*} names: connection settings are MiniLab's)
 * @param check     {@code --check} (dry run)
 * @param diff      {@code --diff}
 */
public record AnsibleRequest(Path playbook, String inventory, String limit, Map<String, String> extraVars,
                             boolean check, boolean diff) {

    public AnsibleRequest {
        Objects.requireNonNull(playbook, "playbook");
        Objects.requireNonNull(inventory, "inventory");
        extraVars = Map.copyOf(extraVars);
    }

    /** True when {@link #inventory} is an inline host list rather than a file. */
    public boolean inlineInventory() {
        return isInlineHostList(inventory);
    }

    /** {@code a,b,} style inventories: contain a comma and no path separator. */
    public static boolean isInlineHostList(String inventory) {
        return inventory.contains(",") && !inventory.contains("/");
    }
}
