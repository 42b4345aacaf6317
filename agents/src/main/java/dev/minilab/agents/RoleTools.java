package dev.minilab.agents;

import dev.minilab.runtime.discipline.Mode;
import dev.minilab.runtime.discipline.Questions;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.approval.PlanReviews;
import dev.minilab.runtime.tools.ask.AskUserTool;
import dev.minilab.runtime.tools.review.ReviewPlanTool;
import dev.minilab.runtime.tools.mode.PlanOnlyTools;
import dev.minilab.runtime.tools.shell.ShellPolicy;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    /**
     * What the guardrails add to the tool table (README "Guardrails").
     *
     * @param mode      MINILAB_MODE: in plan-only the changing tools refuse ({@link PlanOnlyTools})
     * @param questions where Architect_Zero's {@code ask_user} sends its question
     * @param reviews   the approval gate: run_terraform records plans there and applies only approved ones;
     *                  Security_Sentinel's {@code review_plan} gives verdicts through it
     */
    public record Guardrails(Mode mode, Questions questions, PlanReviews reviews) {
        public Guardrails {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(questions, "questions");
            Objects.requireNonNull(reviews, "reviews");
        }
    }

    /**
     * The role's tools with the guardrails: {@code ask_user} for Architect_Zero, {@code review_plan} for
     * Security_Sentinel, the approval gate in {@code run_terraform}, plan-only refusals.
     */
    public static List<Tool> forRole(Role role, Toolbox toolbox, Guardrails guardrails) {
        return forRole(role, toolbox, guardrails, null);
    }

    /** As {@link #forRole(Role, Toolbox, Guardrails)}, with {@code provision} (when not null) for DevOps_Builder. */
    public static List<Tool> forRole(Role role, Toolbox toolbox, Guardrails guardrails, Tool provision) {
        List<Tool> tools = new ArrayList<>(provision == null ? forRole(role, toolbox)
                : forRole(role, toolbox, provision));
        if (role == Role.ARCHITECT_ZERO) {
            tools.add(new AskUserTool(guardrails.questions()));
        }
        if (role == Role.SECURITY_SENTINEL) {
            tools.add(new ReviewPlanTool(guardrails.reviews()));
        }
        tools.replaceAll(tool -> tool.name().equals("run_terraform") ? toolbox.runTerraform(guardrails.reviews()) : tool);
        if (guardrails.mode() == Mode.PLAN_ONLY) {
            tools.replaceAll(PlanOnlyTools::guard);
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
