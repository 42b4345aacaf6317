package dev.minilab.runtime.tools.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ExecRequest;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.ProcessRunner;
import dev.minilab.runtime.tools.ssh.HostPort;
import dev.minilab.runtime.tools.ssh.SshKey;
import dev.minilab.runtime.tools.ssh.SshSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs ansible-playbook with the same SSH identity, known_hosts and host allowlist as run_ssh.
 *
 * <p>Before the run, every host of the inventory (its {@code ansible_host}, else its name) must pass the allowlist
 * ({@code ansible-inventory --list} reads file inventories). The connection settings are forced through extra vars,
 * which beat every inventory, playbook and ansible.cfg setting: ssh connection, SSH_USER, SSH_KEY_PATH, and ssh args
 * that use SSH_KNOWN_HOSTS with accept-new (a changed host key fails the host as unreachable), BatchMode and no
 * ControlMaster. Hosts the inventory does not list (delegate_to, implicit localhost) are checked by ssh itself through
 * a generated ssh_config ({@code Match !exec} with the allowlist) and refused before any connection.
 *
 * <p>Remote tasks run on a pseudo-terminal ({@code ssh -tt}; pipelining is forced off, since a piped module gets no
 * terminal): when STOP or the time-out kills ansible-playbook and its ssh clients, sshd hangs the terminal up and the
 * remote task gets SIGHUP, so nothing keeps running on the host. The key is checked up front ({@link SshKey}); with
 * SSH_AGENT_SOCK, ssh gets that agent and still offers only SSH_KEY_PATH. Knows nothing of models.
 */
public final class Ansible {

    /**
     * The outcome: what ansible printed, its recap (absent when no play ran) and whether a {@code --limit} applied.
     */
    public record Outcome(ExecResult exec, Optional<PlayRecap> recap, boolean limited) {

        /** How many plays matched no host ("skipping: no hosts matched"). */
        public int playsWithoutHosts() {
            int count = 0;
            for (int at = exec.stdout().indexOf("skipping: no hosts matched"); at >= 0;
                 at = exec.stdout().indexOf("skipping: no hosts matched", at + 1)) {
                count++;
            }
            return count;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProcessRunner runner;
    private final String playbookCommand;
    private final Map<String, String> env;
    private final SshSettings ssh;
    private final Duration timeout;
    private final Path workingDirectory;
    private final Path sshConfig;
    private final Path stateDirectory;

    /**
     * @param playbookCommand  ansible-playbook's name or path; ansible-inventory is expected next to it
     * @param env              the scrubbed child env (ANSIBLE_* safety settings are added here)
     * @param workingDirectory where ansible runs (generated_iac/config, so its ansible.cfg and roles/ apply)
     */
    public Ansible(ProcessRunner runner, String playbookCommand, Map<String, String> env, SshSettings ssh,
                   Duration timeout, Path workingDirectory, Path stateDirectory) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.playbookCommand = Objects.requireNonNull(playbookCommand, "playbookCommand");
        this.sshConfig = stateDirectory.resolve("ssh_config");
        this.stateDirectory = stateDirectory;
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put("ANSIBLE_HOST_KEY_CHECKING", "True");
        e.put("ANSIBLE_SSH_ARGS", sshArgs(ssh, sshConfig));
        e.put("ANSIBLE_NOCOLOR", "1");
        e.put("ANSIBLE_FORCE_COLOR", "0");
        e.put("ANSIBLE_RETRY_FILES_ENABLED", "False");
        e.put("ANSIBLE_PYTHON_INTERPRETER", "auto_silent");
        e.put("ANSIBLE_PIPELINING", "False"); // a pty per remote task: STOP hangs it up (see the class comment)
        e.put("ANSIBLE_SSH_USETTY", "True");
        ssh.agent().ifPresent(socket -> e.put("SSH_AUTH_SOCK", socket.toString()));
        e.put("PYTHONUNBUFFERED", "1");
        this.env = Map.copyOf(e);
        this.ssh = Objects.requireNonNull(ssh, "ssh");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory");
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Checks the inventory against the allowlist, then runs the playbook.
     *
     * @throws MiniLabException when a host is not allowed, the inventory cannot be read, or an extra var tries to set
     *                          a connection setting
     */
    public Outcome run(AnsibleRequest request, Cancellation cancellation) {
        for (String name : request.extraVars().keySet()) {
            if (name.toLowerCase(java.util.Locale.ROOT).startsWith("ansible_")) {
                throw new MiniLabException("extra var '" + name + "' is not allowed: connection settings (ansible_*) "
                        + "come from SSH_USER, SSH_KEY_PATH and SSH_KNOWN_HOSTS");
            }
        }
        SshKey.check(ssh);
        checkHosts(request, cancellation);
        ssh.ensureKnownHostsFile();
        writeSshConfig();
        List<String> command = new ArrayList<>(List.of(playbookCommand, "-i", request.inventory()));
        if (request.limit() != null && !request.limit().isBlank()) {
            command.add("--limit");
            command.add(request.limit());
        }
        if (request.check()) {
            command.add("--check");
        }
        if (request.diff()) {
            command.add("--diff");
        }
        command.add("--extra-vars");
        command.add(extraVarsJson(request.extraVars()));
        command.add(request.playbook().toString());
        ExecResult exec = runner.run(ExecRequest.of(command, workingDirectory, env, timeout), cancellation);
        return new Outcome(exec, PlayRecap.parse(exec.stdout()),
                request.limit() != null && !request.limit().isBlank());
    }

    private String extraVarsJson(Map<String, String> userVars) {
        Map<String, Object> vars = new LinkedHashMap<>(userVars);
        vars.put("ansible_connection", "ssh");
        vars.put("ansible_user", ssh.user());
        vars.put("ansible_ssh_private_key_file", ssh.keyPath().toString());
        vars.put("ansible_ssh_args", sshArgs(ssh, sshConfig));
        vars.put("ansible_ssh_common_args", "");
        vars.put("ansible_ssh_extra_args", "");
        vars.put("ansible_ssh_executable", "ssh");
        vars.put("ansible_host_key_checking", true);
        vars.put("ansible_ssh_host_key_checking", true);
        vars.put("ansible_ssh_timeout", (int) ssh.connectTimeout().toSeconds());
        vars.put("ansible_pipelining", false);
        vars.put("ansible_ssh_pipelining", false);
        vars.put("ansible_ssh_use_tty", true);
        try {
            return JSON.writeValueAsString(vars);
        } catch (IOException e) {
            throw new IllegalStateException("extra vars are not serialisable", e);
        }
    }

    /** The ssh options every ansible connection uses; they come first on ssh's command line, so they win. */
    static String sshArgs(SshSettings ssh, Path sshConfig) {
        return "-F " + sshConfig + " -o UserKnownHostsFile=" + ssh.knownHosts() + " -o GlobalKnownHostsFile=/dev/null"
                + " -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes -o BatchMode=yes"
                + " -o ControlMaster=no -o ControlPath=none -o ConnectTimeout=" + ssh.connectTimeout().toSeconds();
    }

    /**
     * Writes the ssh_config every ansible connection reads: hosts the inventory check cannot see (delegate_to,
     * add_host, implicit localhost) are checked against the allowlist by ssh itself and refused before connecting.
     */
    private void writeSshConfig() {
        try (InputStream in = Ansible.class.getResourceAsStream("allowcheck.py")) {
            Objects.requireNonNull(in, "allowcheck.py missing from the runtime jar");
            Files.createDirectories(stateDirectory);
            String checker = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@ALLOWED@", ssh.allowlist().raw().replace("\\", "").replace("\"", ""));
            Path checkerFile = stateDirectory.resolve("allowcheck.py");
            Files.writeString(checkerFile, checker);
            String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
            Files.writeString(sshConfig, "# Written by MiniLab for run_ansible: only SSH_ALLOWED_HOSTS is reached.\n"
                    + "Match !exec \"" + python + " '" + checkerFile + "' %h\"\n"
                    + "    ProxyCommand sh -c 'echo \"MiniLab: host %h is not in SSH_ALLOWED_HOSTS; nothing was sent to it"
                    + "\" >&2; exit 1'\n");
        } catch (IOException e) {
            throw new MiniLabException("cannot write the ssh settings for ansible under " + stateDirectory + ": "
                    + e.getMessage());
        }
    }

    private void checkHosts(AnsibleRequest request, Cancellation cancellation) {
        Set<String> addresses = request.inlineInventory() ? inlineHosts(request.inventory())
                : inventoryHosts(request.inventory(), cancellation);
        for (String address : addresses) {
            String refusal = ssh.allowlist().refusal(address);
            if (refusal != null) {
                throw new MiniLabException("ansible not run: inventory host " + address + " is not allowed: " + refusal);
            }
        }
    }

    private static Set<String> inlineHosts(String inventory) {
        Set<String> hosts = new LinkedHashSet<>();
        for (String part : inventory.split(",")) {
            if (!part.isBlank()) {
                hosts.add(HostPort.parse(part.strip()).host());
            }
        }
        return hosts;
    }

    private Set<String> inventoryHosts(String inventory, Cancellation cancellation) {
        String inventoryCommand = playbookCommand.contains("/")
                ? Path.of(playbookCommand).resolveSibling("ansible-inventory").toString() : "ansible-inventory";
        ExecResult listed = runner.run(ExecRequest.of(List.of(inventoryCommand, "-i", inventory, "--list"),
                workingDirectory, env, Duration.ofSeconds(120)), cancellation);
        if (!listed.succeeded()) {
            throw new MiniLabException("ansible not run: the inventory " + inventory + " cannot be read by "
                    + "ansible-inventory (exit " + listed.exitCode() + "):\n" + listed.combinedOutput());
        }
        try {
            JsonNode root = JSON.readTree(listed.stdout());
            Set<String> names = new LinkedHashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> groups = root.fields(); groups.hasNext(); ) {
                Map.Entry<String, JsonNode> group = groups.next();
                group.getValue().path("hosts").forEach(h -> names.add(h.asText()));
            }
            JsonNode hostvars = root.path("_meta").path("hostvars");
            hostvars.fieldNames().forEachRemaining(names::add);
            Set<String> addresses = new LinkedHashSet<>();
            for (String name : names) {
                JsonNode vars = hostvars.path(name);
                String address = vars.path("ansible_host").asText(vars.path("ansible_ssh_host").asText(name));
                addresses.add(address.isBlank() ? name : address);
            }
            return addresses;
        } catch (IOException e) {
            throw new MiniLabException("ansible not run: cannot parse ansible-inventory output: " + e.getMessage());
        }
    }
}
