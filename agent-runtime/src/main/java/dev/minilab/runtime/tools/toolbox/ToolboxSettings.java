package dev.minilab.runtime.tools.toolbox;

import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.sandbox.OutputCap;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.ssh.HostAllowlist;
import dev.minilab.runtime.tools.ssh.SshSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the {@link Toolbox} needs, built once per agent process from the env map.
 *
 * @param workspace        MINILAB_WORKSPACE (absolute)
 * @param env              the process env merged with .env; children get a scrubbed copy, read_env reads it
 * @param ssh              user, key, allowlist and known_hosts shared by run_ssh and run_ansible
 * @param timeouts         per-tool timeouts
 * @param outputCap        cap of one tool result (head + tail kept)
 * @param terraformCommand terraform executable (name looked up on the env's PATH, or a path)
 * @param ansibleCommand   ansible-playbook executable (name or path); ansible-inventory is looked up next to it
 * @param extraSecretNames names of variables whose values are secret whatever their name says
 */
public record ToolboxSettings(Path workspace, Map<String, String> env, SshSettings ssh, ToolTimeouts timeouts,
                              OutputCap outputCap, String terraformCommand, String ansibleCommand,
                              List<String> extraSecretNames) {

    public ToolboxSettings {
        Objects.requireNonNull(workspace, "workspace");
        workspace = workspace.toAbsolutePath().normalize();
        env = Map.copyOf(env);
        Objects.requireNonNull(ssh, "ssh");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(outputCap, "outputCap");
        Objects.requireNonNull(terraformCommand, "terraformCommand");
        Objects.requireNonNull(ansibleCommand, "ansibleCommand");
        extraSecretNames = List.copyOf(extraSecretNames);
    }

    /**
     * Reads the settings from the env (DESIGN.md section 3 plus the optional tuning variables in docs/TOOLS.md).
     * Relative paths (SSH_KEY_PATH, SSH_KNOWN_HOSTS, SSH_AGENT_SOCK) are resolved against the workspace.
     *
     * @throws ConfigException naming the first malformed variable
     */
    public static ToolboxSettings fromEnv(Path workspace, Map<String, String> env) {
        Path ws = workspace.toAbsolutePath().normalize();
        Duration sshTimeout = seconds(env, "SSH_TIMEOUT_SECONDS", ToolTimeouts.DEFAULTS.ssh());
        SshSettings ssh = new SshSettings(
                env.getOrDefault("SSH_USER", "root").isBlank() ? "root" : env.getOrDefault("SSH_USER", "root").strip(),
                ws.resolve(value(env, "SSH_KEY_PATH", "tmp/bootstrap_id_rsa")).normalize(),
                HostAllowlist.parse(env.getOrDefault(HostAllowlist.VARIABLE, "")),
                ws.resolve(value(env, "SSH_KNOWN_HOSTS", "docs/known_hosts")).normalize(),
                seconds(env, "SSH_CONNECT_TIMEOUT_SECONDS", SshSettings.DEFAULT_CONNECT_TIMEOUT),
                sshTimeout);
        String agentSocket = value(env, "SSH_AGENT_SOCK", "");
        if (!agentSocket.isEmpty()) {
            ssh = ssh.withAgentSocket(ws.resolve(agentSocket).normalize());
        }
        ToolTimeouts timeouts = new ToolTimeouts(
                seconds(env, "SHELL_TIMEOUT_SECONDS", ToolTimeouts.DEFAULTS.shell()),
                seconds(env, "TERRAFORM_TIMEOUT_SECONDS", ToolTimeouts.DEFAULTS.terraform()),
                seconds(env, "ANSIBLE_TIMEOUT_SECONDS", ToolTimeouts.DEFAULTS.ansible()),
                sshTimeout,
                seconds(env, "WEB_TIMEOUT_SECONDS", ToolTimeouts.DEFAULTS.web()));
        int cap = integer(env, "TOOL_OUTPUT_CAP", OutputCap.DEFAULT_MAX_CHARS);
        if (cap < 200) {
            throw ConfigException.invalid("TOOL_OUTPUT_CAP", String.valueOf(cap), "a number of characters >= 200");
        }
        List<String> extra = Redactor.extraNames(env);
        dev.minilab.runtime.sandbox.SandboxStatus.validate(env);
        dev.minilab.runtime.tools.web.NetworkTargets.fromEnv(env, ssh.allowlist()); // fails on a bad WEB_ALLOWED_HOSTS
        return new ToolboxSettings(ws, env, ssh, timeouts, new OutputCap(cap),
                value(env, "TERRAFORM_BIN", "terraform"), value(env, "ANSIBLE_PLAYBOOK_BIN", "ansible-playbook"), extra);
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static Duration seconds(Map<String, String> env, String name, Duration fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long s = Long.parseLong(v.strip());
            if (s > 0) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(name, v, "a positive whole number of seconds");
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(name, v, "a whole number");
        }
    }

    /** Returns a copy with other timeouts (tests). */
    public ToolboxSettings withTimeouts(ToolTimeouts newTimeouts) {
        return new ToolboxSettings(workspace, env, ssh, newTimeouts, outputCap, terraformCommand, ansibleCommand,
                extraSecretNames);
    }

    /** Returns a copy with other SSH settings (tests). */
    public ToolboxSettings withSsh(SshSettings newSsh) {
        return new ToolboxSettings(workspace, env, newSsh, timeouts, outputCap, terraformCommand, ansibleCommand,
                extraSecretNames);
    }

    /** Returns a copy with another terraform executable (tests use the stand-in). */
    public ToolboxSettings withTerraformCommand(String command) {
        return new ToolboxSettings(workspace, env, ssh, timeouts, outputCap, command, ansibleCommand, extraSecretNames);
    }
}
