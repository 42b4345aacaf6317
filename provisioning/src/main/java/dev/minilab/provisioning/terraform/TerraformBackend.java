package dev.minilab.provisioning.terraform;

import dev.minilab.provisioning.backend.ApplyResult;
import dev.minilab.provisioning.backend.Guest;
import dev.minilab.provisioning.backend.ModuleCatalog;
import dev.minilab.provisioning.backend.Plan;
import dev.minilab.provisioning.backend.PlanResult;
import dev.minilab.provisioning.backend.ProvisioningBackend;
import dev.minilab.provisioning.backend.Stage;
import dev.minilab.provisioning.backend.StepFailure;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.InventorySource;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.Variables;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.control.CancelledException;
import dev.minilab.runtime.proxmox.Inventory;
import dev.minilab.runtime.proxmox.ProxmoxException;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.ProcessRunner;
import dev.minilab.runtime.tools.terraform.ProviderCheck;
import dev.minilab.runtime.tools.terraform.RunTerraformTool;
import dev.minilab.runtime.tools.terraform.Terraform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real target: terraform (TERRAFORM_BIN) on the deployment's root module ({@link DeploymentDir}) with the
 * bpg/proxmox provider. RUNNING is {@code init}, {@code plan -out} (the plan file kept under
 * {@code .minilab/provision/}, outside every agent root, since it carries variable values), then {@code apply} of
 * exactly that file, which is used up by the attempt whatever its outcome. Before terraform runs at all, the
 * deployment passes run_terraform's own checks before {@code plan} ({@link ProviderCheck}: HCL parse, module sources,
 * bpg/proxmox allowlist, secrets, node/storage/template/VMID against the live inventory when PM_API_URL is set,
 * {@code terraform validate}); a refusal is a failed step the diagnosis sees, with the valid names. Proxmox
 * credentials reach terraform only as {@code TF_VAR_pm_*} ({@code ChildEnvironment.forTerraform}).
 */
public final class TerraformBackend implements ProvisioningBackend {

    /** Where each deployment's root module is, relative to the workspace ({@code <this>/<spec name>}). */
    public static final String DEPLOYMENTS = "generated_iac/infra/deployments";
    /** Where plan files are kept, relative to the workspace (outside every agent root; terraform writes there). */
    public static final String PLAN_FILES = ".minilab/provision";

    /**
     * @param workspace  the MiniLab workspace
     * @param modules    where each kind's module is
     * @param executable terraform (TERRAFORM_BIN)
     * @param env        the child environment for terraform ({@code ChildEnvironment.forTerraform})
     * @param timeout    per terraform command (TERRAFORM_TIMEOUT_SECONDS)
     * @param cluster    the live cluster through the Proxmox API client; empty when PM_API_URL is not set
     * @param checks     run_terraform's checks, with the same inventory ({@code Toolbox.moduleChecks()})
     * @param runner     runs terraform: inside an agent the toolbox's, under run_terraform's sandbox
     *                   ({@code Toolbox.terraformRunner})
     * @param interruptGrace on STOP or a time-out terraform gets SIGINT and this long to write its state and release
     *                   its lock before its tree is killed (run_terraform's {@link Terraform#DEFAULT_INTERRUPT_GRACE})
     */
    public record Settings(Path workspace, ModuleCatalog modules, String executable, Map<String, String> env,
                           Duration timeout, Optional<Supplier<Inventory>> cluster, ProviderCheck checks,
                           ProcessRunner runner, Duration interruptGrace) {
        public Settings {
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(modules, "modules");
            Objects.requireNonNull(executable, "executable");
            env = Map.copyOf(env);
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(checks, "checks");
            Objects.requireNonNull(runner, "runner");
            Objects.requireNonNull(interruptGrace, "interruptGrace");
        }

        /** Unconfined terraform (no sandbox) with run_terraform's interrupt grace: for tests and tools outside a team. */
        public Settings(Path workspace, ModuleCatalog modules, String executable, Map<String, String> env,
                        Duration timeout, Optional<Supplier<Inventory>> cluster, ProviderCheck checks) {
            this(workspace, modules, executable, env, timeout, cluster, checks, new ProcessRunner(),
                    Terraform.DEFAULT_INTERRUPT_GRACE);
        }
    }

    private static final Pattern PLAN_LINE = Pattern.compile("Plan: (\\d+) to add, (\\d+) to change, (\\d+) to destroy");
    private static final List<String> CREDENTIALS = List.of("TF_VAR_pm_api_url", "TF_VAR_pm_token_id",
            "TF_VAR_pm_token_secret");

    private final Settings settings;
    private final TerraformCli cli;
    private final AtomicInteger plans = new AtomicInteger();

    public TerraformBackend(Settings settings) {
        this.settings = settings;
        this.cli = new TerraformCli(settings.runner(), settings.executable(), settings.env(), settings.timeout(),
                settings.interruptGrace());
    }

    @Override
    public String target() {
        return "terraform";
    }

    @Override
    public InventorySource inventory() {
        return settings.cluster().map(InventorySource::of).orElseGet(InventorySource::none);
    }

    @Override
    public PlanResult plan(ProvisionSpec spec, Variables variables, Cancellation cancellation) {
        Path module = settings.modules().module(spec.kind()).orElse(null);
        if (module == null) {
            return new PlanResult.Broken("the module " + spec.kind().module() + " is not in "
                    + "generated_iac/infra/modules of the workspace or of the MiniLab installation");
        }
        if (needsCredentials(module)) {
            List<String> missing = CREDENTIALS.stream().filter(v -> settings.env().getOrDefault(v, "").isBlank())
                    .map(v -> "PM_" + v.substring("TF_VAR_pm_".length()).toUpperCase(java.util.Locale.ROOT)).toList();
            if (!missing.isEmpty()) {
                return new PlanResult.Broken(String.join(", ", missing) + " not set: the Terraform target needs the "
                        + "Proxmox API URL and token in .env (PM_API_URL, PM_TOKEN_ID, PM_TOKEN_SECRET)");
            }
        }
        DeploymentDir dir = new DeploymentDir(settings.workspace().resolve(DEPLOYMENTS),
                spec.name());
        try {
            dir.prepare(module, variables);
            Optional<PlanResult> refused = refused(dir, cancellation);
            if (refused.isPresent()) {
                return refused.get();
            }
            List<String> initArgs = new ArrayList<>();
            if (dir.remoteState()) {
                initArgs.add("-backend-config=key=minilab/" + spec.name() + "/terraform.tfstate");
            }
            ExecResult init = cli.run(dir.path(), "init", initArgs, cancellation);
            if (!init.succeeded()) {
                return new PlanResult.Failed(failure(Stage.INIT, init));
            }
            Path planFile = planFile(spec.name());
            Files.createDirectories(planFile.getParent());
            ExecResult plan = cli.run(dir.path(), "plan", List.of("-out=" + planFile), cancellation);
            if (!plan.succeeded() || !Files.isRegularFile(planFile)) {
                Files.deleteIfExists(planFile);
                return new PlanResult.Failed(failure(Stage.PLAN, plan));
            }
            Matcher counts = PLAN_LINE.matcher(plan.stdout());
            int add = 0;
            int change = 0;
            int destroy = 0;
            if (counts.find()) {
                add = Integer.parseInt(counts.group(1));
                change = Integer.parseInt(counts.group(2));
                destroy = Integer.parseInt(counts.group(3));
            }
            ApprovalGate.PlanSummary summary = new ApprovalGate.PlanSummary(spec.name(), sha16(planFile), add, change,
                    destroy, plan.stdout());
            return new PlanResult.Planned(new Plan(spec, variables, summary, planFile.toString()));
        } catch (CancelledException e) {
            throw e;
        } catch (MiniLabException e) {
            return new PlanResult.Broken("terraform could not run: " + e.getMessage()
                    + " (TERRAFORM_BIN=" + settings.executable() + ")");
        } catch (IOException e) {
            return new PlanResult.Broken("cannot prepare " + dir.path() + ": " + e.getMessage());
        }
    }

    @Override
    public ApplyResult apply(Plan plan, Cancellation cancellation) {
        Path planFile = Path.of(plan.reference());
        DeploymentDir dir = new DeploymentDir(settings.workspace().resolve(DEPLOYMENTS),
                plan.spec().name());
        try {
            if (!Files.isRegularFile(planFile) || !sha16(planFile).equals(plan.summary().planId())) {
                return new ApplyResult.Broken("plan " + plan.summary().planId() + " is gone or changed since it was "
                        + "made; nothing was applied");
            }
            ExecResult apply;
            try {
                apply = cli.run(dir.path(), "apply", List.of(planFile.toString()), cancellation);
            } finally {
                Files.deleteIfExists(planFile); // used up by any attempt (LESSONS row 30)
            }
            if (!apply.succeeded()) {
                return new ApplyResult.Failed(failure(Stage.APPLY, apply));
            }
            ExecResult show = cli.run(dir.path(), "show", List.of("-json"), cancellation);
            ExecResult output = cli.run(dir.path(), "output", List.of("-json"), cancellation);
            int resources = show.succeeded() ? TerraformOutputs.managedResources(show.stdout()) : 0;
            List<Guest> guests = output.succeeded() ? TerraformOutputs.guests(output.stdout()) : List.of();
            return new ApplyResult.Applied(guests, resources, apply.stdout());
        } catch (CancelledException e) {
            throw e;
        } catch (MiniLabException e) {
            return new ApplyResult.Broken("terraform could not run: " + e.getMessage());
        } catch (IOException e) {
            return new ApplyResult.Broken("cannot read terraform's state or outputs in " + dir.path() + ": "
                    + e.getMessage());
        }
    }

    @Override
    public DestroyResult destroy(ProvisionSpec spec, Variables variables, Cancellation cancellation) {
        DeploymentDir dir = new DeploymentDir(settings.workspace().resolve(DEPLOYMENTS),
                spec.name());
        if (!Files.isDirectory(dir.path())) {
            return new DestroyResult(true, "nothing to destroy: " + dir.path() + " does not exist");
        }
        try {
            Path planFile = planFile(spec.name());
            Files.createDirectories(planFile.getParent());
            ExecResult plan = cli.run(dir.path(), "plan", List.of("-destroy", "-out=" + planFile), cancellation);
            if (!plan.succeeded()) {
                Files.deleteIfExists(planFile);
                return new DestroyResult(false, failure(Stage.DESTROY, plan).output());
            }
            ExecResult apply;
            try {
                apply = cli.run(dir.path(), "apply", List.of(planFile.toString()), cancellation);
            } finally {
                Files.deleteIfExists(planFile);
            }
            return new DestroyResult(apply.succeeded(), apply.succeeded() ? apply.stdout()
                    : failure(Stage.DESTROY, apply).output());
        } catch (MiniLabException | IOException e) {
            return new DestroyResult(false, "destroy could not run: " + e.getMessage());
        }
    }

    /**
     * The checks before terraform runs: run_terraform's pre-plan checks on the deployment root, made before
     * {@code init} so a value the cluster contradicts is reported before terraform starts. What no variable can fix
     * (the module itself fails the static checks, the cluster cannot be read) is BROKEN; the rest is a failed step.
     */
    private Optional<PlanResult> refused(DeploymentDir dir, Cancellation cancellation) {
        Optional<String> module = ProviderCheck.problem(dir.path(), settings.workspace().resolve(
                RunTerraformTool.INFRA_ROOT));
        if (module.isPresent()) {
            return Optional.of(new PlanResult.Broken("the module fails MiniLab's Terraform checks, which no "
                    + "variable can fix: " + module.get()));
        }
        try {
            settings.cluster().ifPresent(Supplier::get);
        } catch (ProxmoxException e) {
            return Optional.of(new PlanResult.Broken("cannot check the variables against the Proxmox cluster: "
                    + e.getMessage()));
        }
        return settings.checks().problem(dir.path(), "plan", List.of(), cancellation)
                .map(problem -> new PlanResult.Failed(new StepFailure(Stage.CHECKS, 1, problem)));
    }

    private Path planFile(String deployment) {
        return settings.workspace().resolve(PLAN_FILES).resolve(deployment)
                .resolve("plan-" + plans.incrementAndGet() + ".tfplan");
    }

    private static boolean needsCredentials(Path module) {
        try (var files = Files.list(module)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tf")).toList()) {
                if (Files.readString(file).contains("variable \"pm_api_url\"")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return true;
        }
        return false;
    }

    private StepFailure failure(Stage stage, ExecResult result) {
        String text = result.stderr().isBlank() ? result.stdout() : result.stderr();
        if (result.timedOut() || result.cancelled()) {
            String why = result.timedOut() ? "timed out after the TERRAFORM_TIMEOUT_SECONDS limit" : "stopped by STOP";
            String how = result.exitCode() == 137
                    ? "terraform got SIGINT but did not end within " + settings.interruptGrace().toSeconds()
                            + " s, so its process tree was KILLED; the state may not record what it did"
                    : "terraform got SIGINT and ended by itself (exit code " + result.exitCode() + "), with its "
                            + "state written and its lock released";
            text = text + "\n(terraform " + stage.word() + " " + why + ": " + how + ")";
        }
        return new StepFailure(stage, result.exitCode(), text);
    }

    private static String sha16(Path file) throws IOException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
