package dev.minilab.runtime.tools.toolbox;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.sandbox.SandboxView;
import dev.minilab.runtime.tools.shell.GateCommands;
import dev.minilab.runtime.tools.shell.ShellPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each process tool may see (issue 15): the agent's own secrets are in no view; what one tool needs is in that
 * tool's view only.
 *
 * <ul>
 *   <li>Every view hides every {@code .env} in the workspace, {@code keys/}, {@code MINILAB_KEYS_DIR} and
 *       {@code MINILAB_PRIVATE_KEY} (when they are inside a visible folder; the default key folder
 *       {@code ~/.config/minilab/keys} is never mounted at all).</li>
 *   <li>run_shell: the SSH key hidden too; MiniLab's state ({@code .minilab/}) and known_hosts read-only; terraform,
 *       tofu, ansible, ansible-playbook, ssh, scp and sftp replaced by stubs that name the right tool. DevOps_Builder:
 *       workspace writable, network. Security_Sentinel: workspace read-only, no network. QA_Tester: workspace
 *       read-only, network.</li>
 *   <li>run_terraform: workspace writable, network, the SSH key hidden, {@code PM_CA_FILE} and terraform's settings
 *       ({@code ~/.terraformrc}, {@code ~/.terraform.d}, {@code TF_CLI_CONFIG_FILE}) read-only. The Proxmox token
 *       reaches it through its own environment only.</li>
 *   <li>run_ansible: workspace writable, network, the SSH key read-only (the one view that has it), known_hosts
 *       writable, the ssh-agent socket of SSH_AGENT_SOCK when set (ansible's ssh signs through it), {@code .minilab/}
 *       read-only, ansible's settings from the home folder read-only.</li>
 * </ul>
 */
final class SandboxViews {

    private final ToolboxSettings settings;

    SandboxViews(ToolboxSettings settings) {
        this.settings = settings;
    }

    /** Paths of the agent's own secrets (hidden from every tool). */
    List<Path> agentSecrets() {
        Path ws = settings.workspace();
        List<Path> out = new ArrayList<>(List.of(ws.resolve("keys")));
        Map<String, String> env = settings.env();
        for (String variable : List.of("MINILAB_KEYS_DIR", "MINILAB_PRIVATE_KEY", "REDIS_PASSWORD_FILE")) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                out.add(ws.resolve(value.strip()).normalize());
            }
        }
        return out;
    }

    private SandboxView base(boolean writable, boolean network) {
        Path ws = settings.workspace();
        return (writable ? SandboxView.writableWorkspace(ws) : SandboxView.readOnlyWorkspace(ws))
                .withNetwork(network)
                .hiding(agentSecrets())
                .hidingNames(Set.of(".env"));
    }

    SandboxView shell(ShellPolicy policy) {
        return base(policy.writesWorkspace(), policy.needsNetwork())
                .hiding(List.of(settings.ssh().keyPath()))
                .keepingReadOnly(List.of(settings.workspace().resolve(".minilab"), settings.ssh().knownHosts()))
                .stubbing(GateCommands.NAMES);
    }

    SandboxView terraform(Path plans) {
        createDirectories(plans);
        Map<String, String> env = settings.env();
        return base(true, true)
                .hiding(List.of(settings.ssh().keyPath()))
                .keepingReadOnly(List.of(settings.ssh().knownHosts(), settings.workspace().resolve(".minilab")))
                .withWritable(pathsOf(env, "TF_PLUGIN_CACHE_DIR").isEmpty() ? List.of(plans)
                        : concat(List.of(plans), pathsOf(env, "TF_PLUGIN_CACHE_DIR")))
                .withReadOnly(concat(pathsOf(env, "PM_CA_FILE"), pathsOf(env, "TF_CLI_CONFIG_FILE")))
                .withHomeFiles(List.of(".terraformrc", ".terraform.d"));
    }

    SandboxView ansible() {
        Map<String, String> env = settings.env();
        Path knownHosts = settings.ssh().knownHosts();
        return base(true, true)
                .keepingReadOnly(List.of(settings.workspace().resolve(".minilab")))
                .withReadOnly(concat(List.of(settings.ssh().keyPath()), pathsOf(env, "ANSIBLE_CONFIG")))
                .withWritable(knownHosts.startsWith(settings.workspace()) ? List.of() : List.of(knownHosts))
                // ssh reaches a passphrase key's agent (SSH_AGENT_SOCK) through its socket; no other view has it
                .withWritable(settings.ssh().agent().map(List::of).orElse(List.of()))
                .withHomeFiles(List.of(".ansible.cfg", ".ansible/collections", ".ansible/roles", ".local/lib"));
    }

    private List<Path> pathsOf(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value == null || value.isBlank() ? List.of()
                : List.of(settings.workspace().resolve(value.strip()).normalize());
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MiniLabException("cannot create " + dir + ": " + e.getMessage());
        }
    }
}
