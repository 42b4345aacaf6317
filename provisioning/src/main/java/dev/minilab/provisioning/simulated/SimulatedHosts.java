package dev.minilab.provisioning.simulated;

import dev.minilab.provisioning.validate.HostProbe;
import dev.minilab.provisioning.validate.Validator;
import dev.minilab.runtime.control.Cancellation;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers the validator's commands for simulated guests, so the harness runs without any machine: a running guest
 * answers SSH, reports its hostname and the OS of its template, and passes any health command (which is NOT run);
 * a stopped or unknown guest is unreachable.
 */
public final class SimulatedHosts implements HostProbe {

    private final SimulatedCluster cluster;

    public SimulatedHosts(SimulatedCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Result run(String address, String user, String command, Cancellation cancellation) {
        Optional<SimulatedCluster.Guest> guest = cluster.guests().stream()
                .filter(g -> address.equals(g.address())).findFirst();
        if (guest.isEmpty() || !guest.get().running()) {
            return new Unreachable("SSH connection to " + address + " failed (connect timed out); check that the host "
                    + "is up and sshd listens on port 22");
        }
        if (command.equals(Validator.IDENTITY_COMMAND)) {
            String[] os = guest.get().os().split(" ", 2);
            return new Answered(0, guest.get().name() + "\nID=" + os[0].toLowerCase(Locale.ROOT) + "\nVERSION_ID=\""
                    + (os.length > 1 ? os[1] : "") + "\"\n");
        }
        return new Answered(0, command.equals(Validator.SSH_COMMAND) ? "ok\n" : "(simulated host: not run)\n");
    }
}
