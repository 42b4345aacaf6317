package dev.minilab.runtime.tools.ssh;

import dev.minilab.runtime.MiniLabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How run_ssh and run_ansible reach machines; both use the same values so one allowlist and one known_hosts apply.
 *
 * @param user           remote user (SSH_USER)
 * @param keyPath        private key file (SSH_KEY_PATH), absolute
 * @param allowlist      hosts that may be reached (SSH_ALLOWED_HOSTS)
 * @param knownHosts     known_hosts file (SSH_KNOWN_HOSTS), absolute; first contact recorded, changed keys refused
 * @param connectTimeout TCP + SSH handshake timeout
 * @param commandTimeout how long one remote command may run
 * @param agentSocket    the ssh-agent that signs with the key (SSH_AGENT_SOCK), or null: the key file is used
 */
public record SshSettings(String user, Path keyPath, HostAllowlist allowlist, Path knownHosts,
                          Duration connectTimeout, Duration commandTimeout, Path agentSocket) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);

    public SshSettings {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(keyPath, "keyPath");
        Objects.requireNonNull(allowlist, "allowlist");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (user.isBlank()) {
            throw new IllegalArgumentException("SSH user is blank");
        }
    }

    /** Settings that use the key file itself (no ssh-agent). */
    public SshSettings(String user, Path keyPath, HostAllowlist allowlist, Path knownHosts, Duration connectTimeout,
                       Duration commandTimeout) {
        this(user, keyPath, allowlist, knownHosts, connectTimeout, commandTimeout, null);
    }

    /** The ssh-agent socket that signs with the key, when one is configured. */
    public java.util.Optional<Path> agent() {
        return java.util.Optional.ofNullable(agentSocket);
    }

    /** A copy whose key signatures come from the ssh-agent at {@code socket}. */
    public SshSettings withAgentSocket(Path socket) {
        return new SshSettings(user, keyPath, allowlist, knownHosts, connectTimeout, commandTimeout, socket);
    }

    /**
     * Creates the known_hosts file (and its folder) when missing, so the first contact is recorded; without the
     * file, ssh would accept a new key every time and never pin it.
     */
    public void ensureKnownHostsFile() {
        try {
            Files.createDirectories(knownHosts.toAbsolutePath().getParent());
            if (!Files.exists(knownHosts)) {
                Files.createFile(knownHosts);
            }
        } catch (IOException e) {
            throw new MiniLabException("cannot create the known_hosts file " + knownHosts + " (SSH_KNOWN_HOSTS): "
                    + e.getMessage());
        }
    }
}
