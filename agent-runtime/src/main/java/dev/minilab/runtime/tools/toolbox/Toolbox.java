package dev.minilab.runtime.tools.toolbox;

import dev.minilab.runtime.sandbox.ChildEnvironment;
import dev.minilab.runtime.sandbox.PathPolicy;
import dev.minilab.runtime.sandbox.ProcessRunner;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.sandbox.SandboxStatus;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ansible.Ansible;
import dev.minilab.runtime.tools.ansible.RunAnsibleTool;
import dev.minilab.runtime.tools.env.ReadEnvTool;
import dev.minilab.runtime.tools.files.FileTools;
import dev.minilab.runtime.tools.files.WorkspaceFiles;
import dev.minilab.runtime.tools.shell.RunShellTool;
import dev.minilab.runtime.tools.shell.Shell;
import dev.minilab.runtime.tools.shell.ShellPolicy;
import dev.minilab.runtime.tools.ssh.RunSshTool;
import dev.minilab.runtime.tools.ssh.Ssh;
import dev.minilab.runtime.tools.web.FetchWebpageTool;
import dev.minilab.runtime.tools.web.NetworkTargets;
import dev.minilab.runtime.tools.web.WebFetcher;
import dev.minilab.runtime.iac.ModuleChecks;
import dev.minilab.runtime.iac.TerraformCli;
import dev.minilab.runtime.tools.proxmox.ProxmoxToolkit;
import dev.minilab.runtime.tools.terraform.PlanGate;
import dev.minilab.runtime.tools.terraform.PlanStore;
import dev.minilab.runtime.tools.terraform.ProviderCheck;
import dev.minilab.runtime.tools.terraform.RunTerraformTool;
import dev.minilab.runtime.tools.terraform.Terraform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Makes the tools of DESIGN.md section 6 for one agent process. The agents module adds one line per tool to a role:
 * {@code toolbox.saveFile(toolbox.fullAccess())}, {@code toolbox.runShell(ShellPolicy.auditOnly())}, ...
 *
 * <p>Every tool handed out redacts and caps its result, states OK/ERROR (and the exit code for processes) and never
 * throws. The SSH key, the known_hosts file and every {@code .env} are unreadable and unwritable by the file tools.
 * Every process a tool starts runs under the {@link SandboxStatus}'s isolation with the view {@link SandboxViews}
 * gives that tool; when isolation is required but unavailable, the process tools refuse every call.
 */
public final class Toolbox {

    private final ToolboxSettings settings;
    private final Redactor redactor;
    private final java.util.function.Supplier<SandboxStatus> sandbox;
    private final SandboxViews views;
    private final NetworkTargets targets;
    private final Map<String, String> childEnv;
    private ProxmoxToolkit proxmox;

    /** A toolbox whose isolation follows {@code MINILAB_SANDBOX} in the settings' env (bwrap unless {@code none}). */
    public Toolbox(ToolboxSettings settings, Redactor redactor) {
        this(settings, redactor, memoized(() -> SandboxStatus.fromEnv(settings.env())));
    }

    /** A toolbox with the given isolation status (tests use it to show the refusal without isolation). */
    public Toolbox(ToolboxSettings settings, Redactor redactor, SandboxStatus sandbox) {
        this(settings, redactor, () -> sandbox);
        Objects.requireNonNull(sandbox, "sandbox");
    }

    /** The status is decided (bwrap probed) when first needed: a role without process tools never probes. */
    private Toolbox(ToolboxSettings settings, Redactor redactor, java.util.function.Supplier<SandboxStatus> sandbox) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.redactor = Objects.requireNonNull(redactor, "redactor").withKeyFile(settings.ssh().keyPath());
        this.sandbox = sandbox;
        this.views = new SandboxViews(settings);
        this.targets = NetworkTargets.fromEnv(settings.env(), settings.ssh().allowlist());
        this.childEnv = ChildEnvironment.scrubbed(settings.env(), settings.extraSecretNames());
    }

    /** Whether and how tool processes are isolated (shown in the agent's status). */
    public SandboxStatus sandbox() {
        return sandbox.get();
    }

    private static java.util.function.Supplier<SandboxStatus> memoized(java.util.function.Supplier<SandboxStatus> s) {
        return new java.util.function.Supplier<>() {
            private SandboxStatus value;

            @Override
            public synchronized SandboxStatus get() {
                if (value == null) {
                    value = s.get();
                }
                return value;
            }
        };
    }

    /** The addresses fetch_webpage and the read-only shell's probes may reach. */
    public NetworkTargets networkTargets() {
        return targets;
    }

    /** The redactor every tool result passes through: the given one plus the lines of the SSH key file. */
    public Redactor redactor() {
        return redactor;
    }

    /** The environment every tool subprocess gets (secrets removed). */
    public Map<String, String> childEnvironment() {
        return childEnv;
    }

    public ToolboxSettings settings() {
        return settings;
    }

    // ---- path policies per access level (DESIGN.md section 6) ----

    /** Reads and writes every workspace root (DevOps_Builder). */
    public PathPolicy fullAccess() {
        return PathPolicy.fullAccess(settings.workspace(), deniedFiles());
    }

    /** Reads every root, writes only under docs/ (Architect_Zero). */
    public PathPolicy docsWriter() {
        return PathPolicy.docsWriter(settings.workspace(), deniedFiles());
    }

    /** Reads every root, writes nothing (Security_Sentinel, QA_Tester). */
    public PathPolicy readOnly() {
        return PathPolicy.readOnly(settings.workspace(), deniedFiles());
    }

    /**
     * Files and folders no tool may read or write: the SSH key, the known_hosts file and the agent's signing keys and
     * Redis passwords ({@code keys/}, {@code MINILAB_KEYS_DIR}, {@code MINILAB_PRIVATE_KEY}), besides every .env.
     */
    public List<Path> deniedFiles() {
        List<Path> denied = new java.util.ArrayList<>(List.of(settings.ssh().keyPath(), settings.ssh().knownHosts()));
        denied.addAll(views.agentSecrets());
        return List.copyOf(denied);
    }

    // ---- file tools ----

    /** {@code save_file(path, content)}. */
    public Tool saveFile(PathPolicy policy) {
        return finish(FileTools.saveFile(new WorkspaceFiles(policy)));
    }

    /** {@code append_file(path, content)}. */
    public Tool appendFile(PathPolicy policy) {
        return finish(FileTools.appendFile(new WorkspaceFiles(policy)));
    }

    /** {@code read_file(path)}. */
    public Tool readFile(PathPolicy policy) {
        return finish(FileTools.readFile(new WorkspaceFiles(policy)));
    }

    /** {@code delete_file(path)}. */
    public Tool deleteFile(PathPolicy policy) {
        return finish(FileTools.deleteFile(new WorkspaceFiles(policy)));
    }

    // ---- process tools ----

    /** {@code run_shell(command)} under {@code policy} (unrestricted, audit-only or read-only). */
    public Tool runShell(ShellPolicy policy) {
        ShellPolicy effective = (policy.isUnrestricted() ? policy
                : policy.protecting(Set.of(settings.ssh().keyPath().getFileName().toString())))
                .withNetworkTargets(targets);
        return finishProcessTool(new RunShellTool(new Shell(runner(views.shell(effective)), settings.workspace(),
                childEnv, settings.timeouts().shell()), effective));
    }

    /** {@code run_terraform(module_dir, command, args, plan_id, confirm_destroy)} with full workspace access. */
    public Tool runTerraform() {
        return runTerraform(PlanGate.OPEN);
    }

    /**
     * The Terraform checks run_terraform applies (parse, module sources, bpg/proxmox allowlist, secrets, terraform's
     * syntax and validate, and the live Proxmox inventory when PM_API_URL is set).
     */
    public ModuleChecks moduleChecks() {
        Map<String, String> tfEnv = ChildEnvironment.forTerraform(settings.env(), settings.extraSecretNames());
        return new ModuleChecks(settings.workspace().resolve(RunTerraformTool.INFRA_ROOT), proxmox().inventorySource(),
                java.util.Optional.of(new TerraformCli(runner(views.terraform(plansDir())), settings.terraformCommand(), tfEnv,
                        java.time.Duration.ofSeconds(60))), tfEnv);
    }

    // ---- Proxmox tools ----

    /** The Proxmox client, inventory cache and sizing rules of this process (PM_*, prompts/sizing.yaml). */
    public synchronized ProxmoxToolkit proxmox() {
        if (proxmox == null) {
            proxmox = ProxmoxToolkit.fromEnv(settings.env(), settings.workspace());
        }
        return proxmox;
    }

    /** {@code proxmox_inventory(node?)}: the cluster's nodes, storages, templates, guests and next VMID. */
    public Tool proxmoxInventory() {
        return finish(proxmox().inventoryTool());
    }

    /** {@code size_workload(workload, environment, users, cores?, memory_mb?, disk_gb?)}. */
    public Tool sizeWorkload() {
        return finish(proxmox().sizeTool());
    }

    /** {@code place_workload(kind, cores, memory_mb, disk_gb, environment, storage?, node?, template?)}. */
    public Tool placeWorkload() {
        return finish(proxmox().placeTool());
    }

    /** {@code run_terraform} whose plans are recorded by, and whose applies need the approval of, {@code gate}. */
    public Tool runTerraform(PlanGate gate) {
        return finishProcessTool(new RunTerraformTool(terraform(), fullAccess(), new ProviderCheck(moduleChecks()),
                gate));
    }

    /** The terraform engine (plans kept in {@code <workspace>/.minilab/plans}, outside every agent root). */
    public Terraform terraform() {
        Path plans = plansDir();
        return new Terraform(runner(views.terraform(plans)), settings.terraformCommand(),
                ChildEnvironment.forTerraform(settings.env(), settings.extraSecretNames()), settings.timeouts().terraform(),
                new PlanStore(plans));
    }

    /**
     * A runner for terraform outside run_terraform (the provisioning pipeline): the same isolation and view as
     * run_terraform's, with {@code planDir} (under {@code .minilab/}) writable for its plan files. When isolation is
     * required but unavailable, starting terraform fails with the reason.
     */
    public ProcessRunner terraformRunner(Path planDir) {
        return runner(views.terraform(planDir));
    }

    private Path plansDir() {
        return settings.workspace().resolve(".minilab/plans");
    }

    /** {@code run_ssh(host, command)} with SSH_USER, SSH_KEY_PATH, SSH_ALLOWED_HOSTS and SSH_KNOWN_HOSTS. */
    public Tool runSsh() {
        return finish(new RunSshTool(new Ssh(settings.ssh())));
    }

    /** {@code run_ansible(playbook, inventory, limit, extra_vars, check, diff)}, same SSH rules as run_ssh. */
    public Tool runAnsible() {
        Path configDir = settings.workspace().resolve(RunAnsibleTool.CONFIG_ROOT);
        return finishProcessTool(new RunAnsibleTool(new Ansible(runner(views.ansible()), settings.ansibleCommand(),
                childEnv, settings.ssh(), settings.timeouts().ansible(), configDir,
                settings.workspace().resolve(".minilab/ansible")), fullAccess()));
    }

    // ---- other tools ----

    /** {@code read_env(name)}: one variable; secrets only say they are set. */
    public Tool readEnv() {
        return finish(new ReadEnvTool(settings.env(), settings.extraSecretNames()));
    }

    /** {@code fetch_webpage(url)}: http(s) GET, HTML as text, wrapped as untrusted content. */
    public Tool fetchWebpage() {
        return finish(new FetchWebpageTool(new WebFetcher(settings.timeouts().web(), WebFetcher.DEFAULT_MAX_BYTES,
                targets)));
    }

    /** A runner under this toolbox's isolation with {@code view}; unconfined only on MINILAB_SANDBOX=none. */
    private ProcessRunner runner(dev.minilab.runtime.sandbox.SandboxView view) {
        return ProcessRunner.confined(sandbox().isolation(), view);
    }

    private Tool finish(Tool tool) {
        return new FinishedTool(tool, redactor, settings.outputCap());
    }

    /** A tool that starts processes: refused on every call when isolation is required but unavailable. */
    private Tool finishProcessTool(Tool tool) {
        if (sandbox() instanceof SandboxStatus.Unavailable unavailable) {
            return finish(new RefusedTool(tool, SandboxStatus.refusal(unavailable.reason())));
        }
        return finish(tool);
    }
}
