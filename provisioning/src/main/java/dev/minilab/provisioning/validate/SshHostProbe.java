package dev.minilab.provisioning.validate;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.tools.ssh.HostPort;
import dev.minilab.runtime.tools.ssh.Ssh;
import dev.minilab.runtime.tools.ssh.SshSettings;
import java.util.Objects;

/**
 * Probes hosts over SSH with the team's rules: SSH_USER, SSH_KEY_PATH, SSH_KNOWN_HOSTS (first contact recorded,
 * changed key refused) and SSH_ALLOWED_HOSTS (a provisioned host outside the allowlist is reported unreachable with
 * the reason, never contacted).
 */
public final class SshHostProbe implements HostProbe {

    private final SshSettings settings;

    public SshHostProbe(SshSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public Result run(String address, String user, String command, Cancellation cancellation) {
        SshSettings effective = user == null || user.isBlank() || user.equals(settings.user()) ? settings
                : new SshSettings(user, settings.keyPath(), settings.allowlist(), settings.knownHosts(),
                        settings.connectTimeout(), settings.commandTimeout());
        HostPort target;
        try {
            target = HostPort.parse(address);
        } catch (RuntimeException e) {
            return new Unreachable("'" + address + "' is not a host address: " + e.getMessage());
        }
        try {
            ExecResult result = new Ssh(effective).exec(target, command, cancellation);
            if (result.timedOut()) {
                return new Answered(124, result.stdout() + "\n(timed out after "
                        + effective.commandTimeout().toSeconds() + " s)");
            }
            return new Answered(result.exitCode(), result.stdout() + result.stderr());
        } catch (MiniLabException e) {
            return new Unreachable(e.getMessage());
        }
    }
}
