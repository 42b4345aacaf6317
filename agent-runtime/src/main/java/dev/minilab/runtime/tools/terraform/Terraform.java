package dev.minilab.runtime.tools.terraform;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ExecRequest;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs terraform in a module directory: always {@code -input=false -no-color}; {@code plan} saves the plan in the
 * {@link PlanStore} bound to the module folder's content and returns its {@link PlanRecord}; {@code apply} runs only
 * a saved, untampered plan of the same, unchanged module, and uses it up before terraform starts; a plan that deletes
 * anything needs {@code confirmDestroy}. STOP and time-outs interrupt terraform (SIGINT) and give it
 * {@link #interruptGrace()} to write its state and release its lock before the tree is killed; what a killed run
 * left (an empty state, a lock) is reported with the way back. Knows nothing of LLMs; callers validate args.
 */
public final class Terraform {

    /**
     * How long terraform may take to end after SIGINT. Measured with terraform 1.11.4 (docs/TOOLS.md): 1.2-1.9 s from
     * SIGINT to exit with the state written and the lock released, also with 40 provisioners running; a provider in
     * the middle of an API call needs that call to return, hence a wide margin.
     */
    public static final Duration DEFAULT_INTERRUPT_GRACE = Duration.ofSeconds(60);
    /** terraform show -json of a large plan is big; it is parsed, never shown. */
    private static final int SHOW_JSON_CAP_BYTES = 64 * 1024 * 1024;

    /**
     * What one terraform command did.
     *
     * @param exec  what terraform printed and how it ended
     * @param notes what MiniLab adds: refusals after the fact, recovery steps after a killed run
     * @param plan  the saved plan (plan and destroy only), else null
     */
    public record Outcome(ExecResult exec, List<String> notes, PlanRecord plan) {
        public Outcome {
            Objects.requireNonNull(exec, "exec");
            notes = List.copyOf(notes);
        }

        public boolean saved() {
            return plan != null;
        }
    }

    private final ProcessRunner runner;
    private final String executable;
    private final Map<String, String> env;
    private final Duration timeout;
    private final Duration interruptGrace;
    private final PlanStore plans;
    private final Map<Path, Integer> running = new ConcurrentHashMap<>();

    /** An engine with the {@link #DEFAULT_INTERRUPT_GRACE}. */
    public Terraform(ProcessRunner runner, String executable, Map<String, String> env, Duration timeout,
                     PlanStore plans) {
        this(runner, executable, env, timeout, DEFAULT_INTERRUPT_GRACE, plans);
    }

    /**
     * @param executable     terraform's name on the env's PATH or its path (tests pass the stand-in)
     * @param env            the child env for terraform (scrubbed, with TF_VAR_pm_* and CHECKPOINT_DISABLE=1)
     * @param interruptGrace time terraform gets after SIGINT (STOP, time-out) before its tree is killed
     */
    public Terraform(ProcessRunner runner, String executable, Map<String, String> env, Duration timeout,
                     Duration interruptGrace, PlanStore plans) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.executable = Objects.requireNonNull(executable, "executable");
        this.env = Map.copyOf(env);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.interruptGrace = Objects.requireNonNull(interruptGrace, "interruptGrace");
        this.plans = Objects.requireNonNull(plans, "plans");
    }

    public Duration timeout() {
        return timeout;
    }

    public Duration interruptGrace() {
        return interruptGrace;
    }

    public Outcome init(Path moduleDir, List<String> args, Cancellation cancellation) {
        return simple(moduleDir, "init", args, cancellation);
    }

    public Outcome validate(Path moduleDir, List<String> args, Cancellation cancellation) {
        return simple(moduleDir, "validate", args, cancellation);
    }

    public Outcome fmt(Path moduleDir, List<String> args, Cancellation cancellation) {
        return simple(moduleDir, "fmt", args, cancellation);
    }

    public Outcome output(Path moduleDir, List<String> args, Cancellation cancellation) {
        return simple(moduleDir, "output", args, cancellation);
    }

    /** Shows the state, or a saved plan (a verified private copy of it) when {@code plan} is given. */
    public Outcome show(Path moduleDir, PlanId plan, List<String> args, Cancellation cancellation) {
        if (plan == null) {
            return simple(moduleDir, "show", args, cancellation);
        }
        PlanStore.StoredPlan saved = stored(moduleDir, plan);
        Path copy = plans.privateCopy(saved);
        try {
            return new Outcome(run(moduleDir, "show", args, List.of(copy.toString()), cancellation), List.of(), null);
        } finally {
            plans.discard(copy);
        }
    }

    /**
     * Plans (a destroy plan when {@code destroy}) and saves the plan with its record; the outcome carries the record
     * on success. The module folder is fingerprinted before and after planning and must not change in between.
     *
     * @throws MiniLabException when the state file is empty (a killed run) or the module changed while planning
     */
    public Outcome plan(Path moduleDir, List<String> args, boolean destroy, String plannedBy,
                        Cancellation cancellation) {
        refuseEmptyState(moduleDir);
        ModuleDigest before = ModuleDigest.of(moduleDir);
        Path pending = plans.newPendingFile();
        try {
            List<String> all = new ArrayList<>(args);
            if (destroy) {
                all.add("-destroy");
            }
            all.add("-out=" + pending);
            ExecResult exec = run(moduleDir, "plan", all, List.of(), cancellation);
            if (!exec.succeeded() || !Files.isRegularFile(pending)) {
                return new Outcome(exec, afterRun(moduleDir, exec), null);
            }
            ExecResult shown = runner.run(new ExecRequest(List.of(executable, "show", "-json", "-no-color",
                    pending.toString()), moduleDir, env, timeout, SHOW_JSON_CAP_BYTES, interruptGrace), cancellation);
            if (shown.cancelled() || shown.timedOut()) {
                return new Outcome(shown, List.of("the plan was made but STOP or the time-out came before MiniLab "
                        + "could read it back; it was not saved"), null);
            }
            if (!shown.succeeded()) {
                throw new MiniLabException("the plan was made but terraform show -json could not read it back (exit "
                        + shown.exitCode() + "), so what it would destroy is unknown; it was not saved:\n"
                        + shown.combinedOutput());
            }
            PlanActions changes = PlanActions.parse(shown.stdout());
            ModuleDigest after = ModuleDigest.of(moduleDir);
            if (!after.sha256().equals(before.sha256())) {
                throw new MiniLabException("the module folder changed while terraform was planning ("
                        + String.join(", ", after.changesSince(before, 10)) + "); the plan was not saved. Plan again");
            }
            PlanStore.StoredPlan saved = plans.register(pending, moduleDir, after, changes, destroy, plannedBy);
            return new Outcome(exec, List.of(), saved.record());
        } finally {
            plans.discard(pending);
        }
    }

    /**
     * Applies the saved plan {@code id} of this module. The plan is used up before terraform starts, whatever
     * happens next: a second attempt needs a new plan (and a new review). Callers ask the approval gate first.
     *
     * @throws MiniLabException when the id is unknown or used, belongs to another module, its files or the module
     *                          folder changed since planning, it deletes something without {@code confirmDestroy},
     *                          or the state file is empty; the plan stays valid then
     */
    public Outcome apply(Path moduleDir, PlanId id, boolean confirmDestroy, String caller,
                         Cancellation cancellation) {
        PlanStore.StoredPlan saved = stored(moduleDir, id);
        PlanRecord record = saved.record();
        if (record.destroys() && !confirmDestroy) {
            throw new MiniLabException("plan " + id + " DESTROYS " + (record.destroyed().isEmpty() ? "resources"
                    : String.join(", ", record.destroyed())) + "; apply it only with confirm_destroy=true, and only "
                    + "when the user or the task asked for that. Nothing ran; the plan is still valid");
        }
        refuseEmptyState(moduleDir);
        ModuleDigest now = ModuleDigest.of(moduleDir);
        if (!now.sha256().equals(saved.moduleDigest().sha256())) {
            throw new MiniLabException("the module folder changed since plan " + id + " was made ("
                    + String.join(", ", now.changesSince(saved.moduleDigest(), 10)) + "); terraform and its "
                    + "provisioners would not run what was reviewed. Nothing ran. Run plan again and have the new "
                    + "plan_id reviewed");
        }
        if (cancellation.isCancelled()) {
            throw new MiniLabException("STOP came before apply started; nothing ran and plan " + id
                    + " is still valid");
        }
        plans.useUp(saved, "plan " + id + " was used by an apply attempt at " + Instant.now() + " (by " + caller
                + "); a plan is applied at most once. Run plan again to see what is left to do");
        Path copy = plans.privateCopy(saved);
        ExecResult exec;
        try {
            exec = run(moduleDir, "apply", List.of(), List.of(copy.toString()), cancellation);
        } finally {
            plans.discard(copy);
        }
        List<String> notes = new ArrayList<>();
        if (!exec.succeeded()) {
            notes.add("plan " + id + " is used up by this attempt: run plan again to see what is left to do");
        }
        notes.addAll(afterRun(moduleDir, exec));
        return new Outcome(exec, notes, null);
    }

    /**
     * Releases the state lock {@code lockId} of this module ({@code terraform force-unlock -force}); only on an
     * explicit request that the approval gate let through, never by MiniLab itself.
     *
     * @throws MiniLabException when a terraform of this engine is running in the module or the local lock has
     *                          another id
     */
    public Outcome forceUnlock(Path moduleDir, String lockId, Cancellation cancellation) {
        if (running.containsKey(moduleDir.toAbsolutePath().normalize())) {
            throw new MiniLabException("terraform is running in this module right now; its lock is in use, not "
                    + "left behind. Wait for it to end");
        }
        Optional<StateCheck.Lock> local = StateCheck.localLock(moduleDir);
        if (local.isPresent() && !local.get().id().equals(lockId)) {
            throw new MiniLabException("the module's lock has ID " + local.get().id() + ", not " + lockId + " ("
                    + local.get().operation() + " by " + local.get().who() + " at " + local.get().created() + ")");
        }
        ExecResult exec = run(moduleDir, "force-unlock", List.of("-force"), List.of(lockId), cancellation);
        return new Outcome(exec, List.of(), null);
    }

    /** The record of saved plan {@code id} of this module, checked against its id (for the approval gate). */
    public PlanRecord planRecord(Path moduleDir, PlanId id) {
        return stored(moduleDir, id).record();
    }

    private PlanStore.StoredPlan stored(Path moduleDir, PlanId id) {
        PlanStore.StoredPlan saved = plans.load(id).orElseThrow(() -> new MiniLabException(plans.usedUpNote(id)
                .orElse("no saved plan with id " + id + " (a plan is kept until an apply attempt uses it)")
                + "; run command=plan and use the plan_id it returns"));
        Path module = moduleDir.toAbsolutePath().normalize();
        if (!saved.record().moduleDir().equals(module)) {
            throw new MiniLabException("plan " + id + " belongs to module " + saved.record().moduleDir().getFileName()
                    + " (" + saved.record().moduleDir() + "), not to " + module.getFileName() + "; apply it with that "
                    + "module_dir or plan this module");
        }
        return saved;
    }

    private void refuseEmptyState(Path moduleDir) {
        if (StateCheck.stateIsEmpty(moduleDir)) {
            throw new MiniLabException(StateCheck.emptyStateProblem(moduleName(moduleDir), moduleDir));
        }
    }

    private Outcome simple(Path moduleDir, String subcommand, List<String> args, Cancellation cancellation) {
        ExecResult exec = run(moduleDir, subcommand, args, List.of(), cancellation);
        return new Outcome(exec, afterRun(moduleDir, exec), null);
    }

    /** What a run that was killed or found a lock left behind, with the way back. */
    private List<String> afterRun(Path moduleDir, ExecResult exec) {
        List<String> notes = new ArrayList<>();
        String module = moduleName(moduleDir);
        boolean killed = (exec.cancelled() || exec.timedOut()) && exec.exitCode() == 137;
        if (killed) {
            notes.add("terraform did not end within " + interruptGrace.toSeconds() + " s after SIGINT and was KILLED; "
                    + "what it was doing may be half done and not recorded. With a remote backend its state lock is "
                    + "still held: the next command names the lock and how to release it.");
            if (StateCheck.stateIsEmpty(moduleDir)) {
                notes.add(StateCheck.emptyStateProblem(module, moduleDir));
            }
            StateCheck.localLock(moduleDir).ifPresent(lock -> notes.add("It left the local lock file "
                    + StateCheck.LOCK_FILE + " (ID " + lock.id() + "): it blocks nothing (the local backend's real lock "
                    + "is an OS file lock, released when terraform died) and the next terraform run replaces it."));
        }
        String output = exec.combinedOutput();
        if (output.contains("Error acquiring the state lock")) {
            StateCheck.lockIdInOutput(output).ifPresent(id -> notes.add(StateCheck.lockRecovery(module, id,
                    "terraform could not take it")));
        }
        return notes;
    }

    /** How tools name the module ({@code generated_iac/infra/web}), or its absolute path outside that layout. */
    static String moduleName(Path moduleDir) {
        String path = moduleDir.toAbsolutePath().normalize().toString().replace('\\', '/');
        int at = path.lastIndexOf("/generated_iac/infra/");
        return at >= 0 ? path.substring(at + 1) : path;
    }

    private ExecResult run(Path moduleDir, String subcommand, List<String> args, List<String> tail,
                           Cancellation cancellation) {
        List<String> command = new ArrayList<>(List.of(executable, subcommand));
        if (!List.of("fmt", "output", "show", "validate", "force-unlock").contains(subcommand)) {
            command.add("-input=false");
        }
        command.add("-no-color");
        command.addAll(args);
        command.addAll(tail);
        Path key = moduleDir.toAbsolutePath().normalize();
        running.merge(key, 1, Integer::sum);
        try {
            return runner.run(ExecRequest.of(command, moduleDir, env, timeout).withInterruptGrace(interruptGrace),
                    cancellation);
        } finally {
            running.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
        }
    }
}
