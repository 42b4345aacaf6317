package dev.minilab.runtime.tools.terraform;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.PathPolicy;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.ProcessToolResults;
import dev.minilab.runtime.tools.support.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code run_terraform(module_dir, command, args, plan_id, confirm_destroy, lock_id)}: checks the module path (under
 * {@code generated_iac/infra}), the command, every extra argument (allowlist per command) and the provider sources,
 * then calls the {@link Terraform} engine. A plan's result carries its id and summary (with a DESTROYS label when it
 * deletes anything); STOP and time-outs say whether terraform ended by itself after SIGINT or had to be killed.
 */
public final class RunTerraformTool implements Tool {

    /** The folder every module_dir must be under. */
    public static final Path INFRA_ROOT = Path.of("generated_iac/infra");

    private static final List<String> COMMANDS = List.of("init", "validate", "fmt", "plan", "show", "output", "apply",
            "destroy", "force-unlock");
    private static final Pattern LOCK_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Set<String> TWO_WORD_FLAGS = Set.of("-var", "-var-file", "-target", "-replace");
    private static final Map<String, List<String>> ALLOWED_ARGS = Map.of(
            "init", List.of("-upgrade", "-reconfigure", "-backend=", "-get=", "-lockfile=readonly"),
            "validate", List.of("-json"),
            "fmt", List.of("-check", "-diff", "-recursive", "-list="),
            "plan", List.of("-target=", "-var=", "-var-file=", "-refresh=", "-refresh-only", "-replace=",
                    "-parallelism=", "-lock=", "-lock-timeout=", "-compact-warnings"),
            "destroy", List.of("-target=", "-var=", "-var-file=", "-refresh=", "-parallelism=", "-lock=",
                    "-lock-timeout="),
            "show", List.of("-json"),
            "output", List.of("-json", "-raw"),
            "apply", List.of(),
            "force-unlock", List.of());

    private final Terraform terraform;
    private final PathPolicy infraPolicy;
    private final Path infraRoot;
    private final ProviderCheck providerCheck;
    private final PlanGate gate;

    /**
     * @param policy the role's path policy; module dirs are additionally restricted to generated_iac/infra
     */
    public RunTerraformTool(Terraform terraform, PathPolicy policy) {
        this(terraform, policy, null, PlanGate.OPEN);
    }

    /**
     * @param providerCheck the checks before terraform runs (null: the static ones only)
     * @param gate          records every plan and lets every apply and force-unlock through only when it approves
     */
    public RunTerraformTool(Terraform terraform, PathPolicy policy, ProviderCheck providerCheck, PlanGate gate) {
        this.gate = java.util.Objects.requireNonNull(gate, "gate");
        this.terraform = terraform;
        this.infraPolicy = policy.restrictedTo(List.of(INFRA_ROOT));
        this.infraRoot = infraPolicy.workspace().resolve(INFRA_ROOT);
        this.providerCheck = providerCheck != null ? providerCheck : ProviderCheck.offline(infraRoot);
    }

    @Override
    public ToolSpecification specification() {
        return Specs.of("run_terraform", "Run terraform in a module folder under generated_iac/infra (always "
                + "-input=false -no-color, timeout " + terraform.timeout().toSeconds() + " s). command=plan saves the "
                + "plan and returns its plan_id; command=apply applies ONLY a saved plan: pass plan_id (no "
                + "-auto-approve exists here); each plan_id can be applied once. A plan that deletes or replaces "
                + "anything is labelled DESTROYS and needs confirm_destroy=true to apply. command=destroy needs "
                + "confirm_destroy=true and makes a destroy plan whose plan_id you then apply. command=force-unlock "
                + "with lock_id releases a state lock left by a killed run (only when a result told you to). Only "
                + "the bpg/proxmox provider is accepted for Proxmox.",
                JsonObjectSchema.builder()
                        .addStringProperty("module_dir", "module folder, e.g. generated_iac/infra/web")
                        .addEnumProperty("command", COMMANDS)
                        .addProperty("args", JsonArraySchema.builder().items(new JsonStringSchema())
                                .description("extra flags, e.g. [\"-var=count=2\"] for plan, [\"-check\"] for fmt")
                                .build())
                        .addStringProperty("plan_id", "for apply (required) and show (optional): the id plan returned")
                        .addBooleanProperty("confirm_destroy", "must be true for command=destroy and to apply a plan "
                                + "labelled DESTROYS")
                        .addStringProperty("lock_id", "for command=force-unlock: the lock ID a result named")
                        .required("module_dir", "command")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        String command = arguments.requireString("command").strip().toLowerCase(java.util.Locale.ROOT);
        if (!COMMANDS.contains(command)) {
            return ToolResult.error("unknown command '" + command + "'; use one of " + String.join(", ", COMMANDS));
        }
        Path moduleDir;
        try {
            moduleDir = infraPolicy.resolveForRead(arguments.requireString("module_dir"));
        } catch (MiniLabException e) {
            return ToolResult.error(e.getMessage() + ". Terraform modules live under generated_iac/infra/");
        }
        if (!Files.isDirectory(moduleDir)) {
            return ToolResult.error("module_dir '" + arguments.requireString("module_dir") + "' is not an existing "
                    + "folder; write the module's .tf files with save_file first");
        }
        List<String> args;
        try {
            args = checkArgs(command, arguments.optionalStringList("args"));
        } catch (MiniLabException e) {
            return ToolResult.error(e.getMessage());
        }
        if (Set.of("init", "validate", "plan", "destroy", "apply").contains(command)) {
            Optional<String> providerProblem = providerCheck.problem(moduleDir, command, args, context.cancellation());
            if (providerProblem.isPresent()) {
                return ToolResult.error("terraform not run: " + providerProblem.get());
            }
        }
        String planIdText = arguments.optionalString("plan_id").orElse(null);
        PlanId planId = PlanId.parseOrNull(planIdText);
        if (planIdText != null && !planIdText.isBlank() && planId == null) {
            return ToolResult.error("plan_id '" + planIdText + "' is not a plan id (16 hex digits as returned by plan)");
        }
        boolean confirmDestroy = arguments.optionalBoolean("confirm_destroy", false);
        String caller = context.agentName();
        try {
            return switch (command) {
                case "init" -> done(terraform.init(moduleDir, args, context.cancellation()));
                case "validate" -> done(terraform.validate(moduleDir, args, context.cancellation()));
                case "fmt" -> done(terraform.fmt(moduleDir, args, context.cancellation()));
                case "output" -> done(terraform.output(moduleDir, args, context.cancellation()));
                case "show" -> done(terraform.show(moduleDir, planId, args, context.cancellation()));
                case "plan" -> planned(terraform.plan(moduleDir, args, false, caller, context.cancellation()),
                        moduleDir, caller);
                case "destroy" -> {
                    if (!confirmDestroy) {
                        yield ToolResult.error("destroy needs confirm_destroy=true; it makes a destroy plan, which you "
                                + "then apply with its plan_id. Destroy only when the user or the task asked for it");
                    }
                    yield planned(terraform.plan(moduleDir, args, true, caller, context.cancellation()), moduleDir,
                            caller);
                }
                case "apply" -> {
                    if (planId == null) {
                        yield ToolResult.error("apply needs plan_id: run command=plan first and pass the plan_id it "
                                + "returns (there is no -auto-approve)");
                    }
                    terraform.planRecord(moduleDir, planId); // unknown, used, foreign or tampered: said before the gate
                    Optional<String> refused = gate.refuseApply(planId.value(), relative(moduleDir));
                    if (refused.isPresent()) {
                        yield ToolResult.error("apply refused by the approval gate: " + refused.get() + " (the plan "
                                + "is still valid)");
                    }
                    yield done(terraform.apply(moduleDir, planId, confirmDestroy, caller, context.cancellation()));
                }
                case "force-unlock" -> {
                    String lockId = arguments.optionalString("lock_id").map(String::strip).orElse("");
                    if (!LOCK_ID.matcher(lockId).matches()) {
                        yield ToolResult.error("force-unlock needs lock_id: the lock ID a terraform result named "
                                + "(letters, digits, - . _ :). Use it only for a lock left by a killed run");
                    }
                    Optional<String> refused = gate.refuseForceUnlock(lockId, relative(moduleDir));
                    if (refused.isPresent()) {
                        yield ToolResult.error("force-unlock refused by the approval gate: " + refused.get());
                    }
                    yield done(terraform.forceUnlock(moduleDir, lockId, context.cancellation()));
                }
                default -> throw new IllegalStateException(command);
            };
        } catch (MiniLabException e) {
            return ToolResult.error(e.getMessage());
        }
    }

    private ToolResult done(Terraform.Outcome outcome) {
        return done(outcome, outcome.exec().combinedOutput());
    }

    /** The result: OK/ERROR by exit code, STOP and time-out told as they happened, then MiniLab's notes. */
    private ToolResult done(Terraform.Outcome outcome, String output) {
        ExecResult exec = outcome.exec();
        String text = output.stripTrailing();
        ToolResult result;
        if (exec.cancelled() || exec.timedOut()) {
            String why = exec.cancelled() ? "stopped by STOP" : "timed out after " + terraform.timeout().toSeconds()
                    + " s";
            String how = exec.exitCode() == 137 ? (terraform.interruptGrace().isZero()
                    ? "terraform's process tree was KILLED at once (no interrupt grace)"
                    : "terraform got SIGINT but did not end within " + terraform.interruptGrace().toSeconds()
                    + " s, so its process tree was KILLED")
                    : "terraform got SIGINT and ended by itself (exit code " + exec.exitCode() + "): it saved what it "
                    + "had done to the state and released its lock";
            text = (text.isEmpty() ? "" : text + "\n") + "[" + why + ": " + how + "]";
            result = new ToolResult(ToolResult.Status.ERROR, exec.cancelled() ? ProcessToolResults.STOPPED_EXIT
                    : ProcessToolResults.TIMEOUT_EXIT, exec.duration(), text);
        } else {
            result = ToolResult.ofProcess(exec.exitCode(), exec.duration(), text);
        }
        if (!outcome.notes().isEmpty()) {
            result = result.withOutput(result.output() + "\n\n" + String.join("\n", outcome.notes()));
        }
        return result;
    }

    private String relative(Path moduleDir) {
        return infraPolicy.workspace().relativize(moduleDir).toString().replace('\\', '/');
    }

    private ToolResult planned(Terraform.Outcome outcome, Path moduleDir, String caller) {
        if (!outcome.saved()) {
            return done(outcome);
        }
        PlanRecord plan = outcome.plan();
        String module = relative(moduleDir);
        String review = gate.planned(new PlanGate.Plan(plan.id().value(), module, plan.toAdd(), plan.toChange(),
                plan.toDestroy(), plan.destroyPlan(), caller));
        String note = "\n\nplan_id: " + plan.id() + (plan.destroys() ? " (a DESTROY plan)" : "")
                + "\nsummary: " + plan.summary()
                + "\nTo apply exactly this plan: run_terraform(module_dir=\"" + module + "\", command=\"apply\", "
                + "plan_id=\"" + plan.id() + "\"" + (plan.destroys() ? ", confirm_destroy=true" : "") + ")."
                + (plan.destroys() ? " It DELETES resources: apply it only if the user or the task asked for that."
                : "")
                + " Review it with command=show and this plan_id. The plan_id is used up by the first apply attempt "
                + "and refused if any file of the module changes before." + (review.isBlank() ? "" : "\n" + review);
        return done(outcome, outcome.exec().combinedOutput().stripTrailing() + note);
    }

    /** Joins two-word flags, then checks each against the command's allowlist. */
    static List<String> checkArgs(String command, List<String> raw) {
        List<String> joined = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String arg = raw.get(i).strip();
            if (TWO_WORD_FLAGS.contains(arg) && i + 1 < raw.size()) {
                arg = arg + "=" + raw.get(++i).strip();
            }
            if (!arg.isEmpty()) {
                joined.add(arg);
            }
        }
        List<String> allowed = ALLOWED_ARGS.get(command);
        for (String arg : joined) {
            boolean ok = allowed.stream().anyMatch(a -> a.endsWith("=") ? arg.startsWith(a) && arg.length() > a.length()
                    : arg.equals(a));
            if (command.equals("output") && arg.matches("[A-Za-z0-9_-]+")) {
                ok = true;
            }
            if (!ok) {
                String hint = arg.startsWith("-auto-approve")
                        ? "there is no -auto-approve: plan, then apply with plan_id"
                        : arg.startsWith("-out") || arg.startsWith("-state") || arg.startsWith("-chdir")
                        ? arg.split("=")[0] + " is managed by MiniLab"
                        : command.equals("apply") ? "apply takes only plan_id"
                        : "allowed for " + command + ": " + (allowed.isEmpty() ? "none" : String.join(" ", allowed));
                throw new MiniLabException("argument '" + arg + "' is not allowed for terraform " + command + " ("
                        + hint + ")");
            }
            if (arg.startsWith("-var-file=")) {
                String file = arg.substring("-var-file=".length());
                if (file.startsWith("/") || file.startsWith("~") || List.of(file.split("/")).contains("..")) {
                    throw new MiniLabException("-var-file must be a file inside the module folder (relative, no '..')");
                }
            }
        }
        return joined;
    }
}
