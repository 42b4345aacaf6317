package dev.minilab.provisioning.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * What VALIDATING checks besides the resource count in the state.
 *
 * @param ssh           each host must answer SSH (and the hostname, OS and health checks run over it)
 * @param sshUser       the login user, or empty for SSH_USER
 * @param os            expected {@code ID} from /etc/os-release, optionally with {@code VERSION_ID}
 *                      ({@code debian}, {@code "debian 12"}, {@code ubuntu 24.04}); empty = not checked
 * @param healthCommand must exit 0 on every host
 */
public record Checks(boolean ssh, Optional<String> sshUser, Optional<String> os, String healthCommand) {

    /** The health command when the spec names none: the host finished booting with no failed unit. */
    public static final String DEFAULT_HEALTH_COMMAND = "systemctl is-system-running --wait";

    public Checks {
        Objects.requireNonNull(sshUser, "sshUser");
        Objects.requireNonNull(os, "os");
        healthCommand = healthCommand == null || healthCommand.isBlank() ? DEFAULT_HEALTH_COMMAND : healthCommand;
    }

    public static Checks defaults() {
        return new Checks(true, Optional.empty(), Optional.empty(), DEFAULT_HEALTH_COMMAND);
    }
}
