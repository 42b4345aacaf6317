package dev.minilab.agents;

import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.shell.ShellPolicy;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import java.util.ArrayList;
import java.util.List;

/**
 * The tool table of DESIGN.md section 6: which tools each role gets, with which policy. One line per tool.
 * ({@code finish_task} is built into Architect_Zero's loop.)
 */
public final class RoleTools {

    private RoleTools() {
    }

    /** The role's tools plus {@code provision} for DevOps_Builder (the provisioning pipeline, issue 11). */
    public static List<Tool> forRole(Role role, Toolbox toolbox, Tool provision) {
        List<Tool> tools = new ArrayList<>(forRole(role, toolbox));
        if (role == Role.DEVOPS_BUILDER) {
            tools.add(provision);
        }
        return List.copyOf(tools);
    }

    public static List<Tool> forRole(Role role, Toolbox toolbox) {
        return switch (role) {
            case ARCHITECT_ZERO -> List.of(
                    toolbox.saveFile(toolbox.docsWriter()),
                    toolbox.appendFile(toolbox.docsWriter()),
                    toolbox.readFile(toolbox.docsWriter()),
                    toolbox.proxmoxInventory(),
                    toolbox.sizeWorkload(),
                    toolbox.placeWorkload());
            case DEVOPS_BUILDER -> List.of(
                    toolbox.saveFile(toolbox.fullAccess()),
                    toolbox.appendFile(toolbox.fullAccess()),
                    toolbox.readFile(toolbox.fullAccess()),
                    toolbox.deleteFile(toolbox.fullAccess()),
                    toolbox.runTerraform(),
                    toolbox.runAnsible(),
                    toolbox.runShell(ShellPolicy.unrestricted()),
                    toolbox.runSsh(),
                    toolbox.readEnv(),
                    toolbox.fetchWebpage(),
                    toolbox.proxmoxInventory(),
                    toolbox.sizeWorkload(),
                    toolbox.placeWorkload());
            case SECURITY_SENTINEL -> List.of(
                    toolbox.readFile(toolbox.readOnly()),
                    toolbox.runShell(ShellPolicy.auditOnly()),
                    toolbox.readEnv());
            case QA_TESTER -> List.of(
                    toolbox.readFile(toolbox.readOnly()),
                    toolbox.runShell(ShellPolicy.readOnly()),
                    toolbox.runSsh(),
                    toolbox.fetchWebpage(),
                    toolbox.proxmoxInventory());
        };
    }
}
