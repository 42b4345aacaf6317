package dev.minilab.runtime.tools.toolbox;

import dev.minilab.runtime.sandbox.ChildEnvironment;
import dev.minilab.runtime.sandbox.PathPolicy;
import dev.minilab.runtime.sandbox.ProcessRunner;
import dev.minilab.runtime.sandbox.Redactor;
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
import dev.minilab.runtime.tools.web.WebFetcher;
import dev.minilab.runtime.tools.terraform.PlanGate;
import dev.minilab.runtime.tools.terraform.PlanStore;
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
 */
public final class Toolbox {

    private final ToolboxSettings settings;
    private final Redactor redactor;
    private final ProcessRunner runner = new ProcessRunner();
    private final Map<String, String> childEnv;

    public Toolbox(ToolboxSettings settings, Redactor redactor) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.redactor = Objects.requireNonNull(redactor, "redactor").withKeyFile(settings.ssh().keyPath());
        this.childEnv = ChildEnvironment.scrubbed(settings.env(), settings.extraSecretNames());
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

    /** Files no tool may read or write: the SSH key and the known_hosts file (besides every .env). */
    public List<Path> deniedFiles() {
        return List.of(settings.ssh().keyPath(), settings.ssh().knownHosts());
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
        ShellPolicy effective = policy.isUnrestricted() ? policy
                : policy.protecting(Set.of(settings.ssh().keyPath().getFileName().toString()));
        return finish(new RunShellTool(new Shell(runner, settings.workspace(), childEnv, settings.timeouts().shell()),
                effective));
    }

    /** {@code run_terraform(module_dir, command, args, plan_id, confirm_destroy)} with full workspace access. */
    public Tool runTerraform() {
        return finish(new RunTerraformTool(terraform(), fullAccess()));
    }

    /** {@code run_terraform} whose plans are recorded by, and whose applies need the approval of, {@code gate}. */
    public Tool runTerraform(PlanGate gate) {
        return finish(new RunTerraformTool(terraform(), fullAccess(), gate));
    }

    /** The terraform engine (plans kept in {@code <workspace>/.minilab/plans}, outside every agent root). */
    public Terraform terraform() {
        return new Terraform(runner, settings.terraformCommand(),
                ChildEnvironment.forTerraform(settings.env(), settings.extraSecretNames()), settings.timeouts().terraform(),
                new PlanStore(settings.workspace().resolve(".minilab/plans")));
    }

    /** {@code run_ssh(host, command)} with SSH_USER, SSH_KEY_PATH, SSH_ALLOWED_HOSTS and SSH_KNOWN_HOSTS. */
    public Tool runSsh() {
        return finish(new RunSshTool(new Ssh(settings.ssh())));
    }

    /** {@code run_ansible(playbook, inventory, limit, extra_vars, check, diff)}, same SSH rules as run_ssh. */
    public Tool runAnsible() {
        Path configDir = settings.workspace().resolve(RunAnsibleTool.CONFIG_ROOT);
        return finish(new RunAnsibleTool(new Ansible(runner, settings.ansibleCommand(), childEnv, settings.ssh(),
                settings.timeouts().ansible(), configDir, settings.workspace().resolve(".minilab/ansible")),
                fullAccess()));
    }

    // ---- other tools ----

    /** {@code read_env(name)}: one variable; secrets only say they are set. */
    public Tool readEnv() {
        return finish(new ReadEnvTool(settings.env(), settings.extraSecretNames()));
    }

    /** {@code fetch_webpage(url)}: http(s) GET, HTML as text, wrapped as untrusted content. */
    public Tool fetchWebpage() {
        return finish(new FetchWebpageTool(new WebFetcher(settings.timeouts().web(), WebFetcher.DEFAULT_MAX_BYTES)));
    }

    private Tool finish(Tool tool) {
        return new FinishedTool(tool, redactor, settings.outputCap());
    }
}
