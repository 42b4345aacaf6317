package dev.minilab.runtime.tools.terraform;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ExecRequest;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs terraform in a module directory: always {@code -input=false -no-color}; {@code plan} saves the plan in the
 * {@link PlanStore} and returns its {@link PlanId}; {@code apply} runs only a saved, untampered plan of the same
 * module; {@code destroy} makes a destroy plan (applied like any plan). Knows nothing of LLMs; callers validate args.
 */
public final class Terraform {

    /** The outcome of a plan: what terraform printed and, when it succeeded, the saved plan. */
    public record PlanOutcome(ExecResult exec, PlanStore.SavedPlan plan) {
        public boolean saved() {
            return plan != null;
        }
    }

    private final ProcessRunner runner;
    private final String executable;
    private final Map<String, String> env;
    private final Duration timeout;
    private final PlanStore plans;

    /**
     * @param executable terraform's name on the env's PATH or its path (tests pass the stand-in)
     * @param env        the child env for terraform (scrubbed, with TF_VAR_pm_* and CHECKPOINT_DISABLE=1)
     */
    public Terraform(ProcessRunner runner, String executable, Map<String, String> env, Duration timeout,
                     PlanStore plans) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.executable = Objects.requireNonNull(executable, "executable");
        this.env = Map.copyOf(env);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.plans = Objects.requireNonNull(plans, "plans");
    }

    public Duration timeout() {
        return timeout;
    }

    public ExecResult init(Path moduleDir, List<String> args, Cancellation cancellation) {
        return run(moduleDir, "init", args, List.of(), cancellation);
    }

    public ExecResult validate(Path moduleDir, List<String> args, Cancellation cancellation) {
        return run(moduleDir, "validate", args, List.of(), cancellation);
    }

    public ExecResult fmt(Path moduleDir, List<String> args, Cancellation cancellation) {
        return run(moduleDir, "fmt", args, List.of(), cancellation);
    }

    public ExecResult output(Path moduleDir, List<String> args, Cancellation cancellation) {
        return run(moduleDir, "output", args, List.of(), cancellation);
    }

    /** Shows the state, or a saved plan when {@code plan} is given. */
    public ExecResult show(Path moduleDir, PlanId plan, List<String> args, Cancellation cancellation) {
        List<String> tail = List.of();
        if (plan != null) {
            PlanStore.SavedPlan saved = planOf(moduleDir, plan);
            tail = List.of(saved.file().toString());
        }
        return run(moduleDir, "show", args, tail, cancellation);
    }

    /** Plans (a destroy plan when {@code destroy}) and saves the plan file; the outcome carries its id on success. */
    public PlanOutcome plan(Path moduleDir, List<String> args, boolean destroy, Cancellation cancellation) {
        Path pending = plans.newPendingFile();
        List<String> all = new ArrayList<>(args);
        if (destroy) {
            all.add("-destroy");
        }
        all.add("-out=" + pending);
        ExecResult exec = run(moduleDir, "plan", all, List.of(), cancellation);
        if (!exec.succeeded() || !java.nio.file.Files.isRegularFile(pending)) {
            plans.discard(pending);
            return new PlanOutcome(exec, null);
        }
        return new PlanOutcome(exec, plans.register(pending, moduleDir, destroy));
    }

    /**
     * Applies the saved plan {@code id} of this module. The plan is consumed when terraform succeeds.
     *
     * @throws MiniLabException when the id is unknown, belongs to another module or the file changed since planning
     */
    public ExecResult apply(Path moduleDir, PlanId id, Cancellation cancellation) {
        PlanStore.SavedPlan saved = planOf(moduleDir, id);
        if (!plans.intact(saved)) {
            throw new MiniLabException("plan " + id + " was changed after it was made; it is refused. Run plan again "
                    + "and apply the new plan id");
        }
        ExecResult exec = run(moduleDir, "apply", List.of(), List.of(saved.file().toString()), cancellation);
        if (exec.succeeded()) {
            plans.consume(saved);
        }
        return exec;
    }

    /** The saved plan {@code id}, checked to belong to {@code moduleDir}. */
    public PlanStore.SavedPlan planOf(Path moduleDir, PlanId id) {
        PlanStore.SavedPlan saved = plans.find(id).orElseThrow(() -> new MiniLabException("no saved plan with id "
                + id + " (plans are used once and kept only until applied); run command=plan and use the plan_id "
                + "it returns"));
        if (!saved.moduleDir().equals(moduleDir)) {
            throw new MiniLabException("plan " + id + " belongs to module " + saved.moduleDir().getFileName()
                    + ", not to " + moduleDir.getFileName() + "; apply it with that module_dir or plan this module");
        }
        return saved;
    }

    private ExecResult run(Path moduleDir, String subcommand, List<String> args, List<String> tail,
                           Cancellation cancellation) {
        List<String> command = new ArrayList<>(List.of(executable, subcommand));
        if (!subcommand.equals("fmt") && !subcommand.equals("output") && !subcommand.equals("show")
                && !subcommand.equals("validate")) {
            command.add("-input=false");
        }
        command.add("-no-color");
        command.addAll(args);
        command.addAll(tail);
        return runner.run(ExecRequest.of(command, moduleDir, env, timeout), cancellation);
    }
}
