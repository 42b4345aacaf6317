package dev.minilab.provisioning.validate;

import dev.minilab.runtime.control.Cancellation;

/** Runs one command on a provisioned host for VALIDATING: over SSH for real hosts, answered by the simulation else. */
@FunctionalInterface
public interface HostProbe {

    /** The outcome of one command. */
    sealed interface Result permits Answered, Unreachable { }

    /** The host ran the command. */
    record Answered(int exitCode, String output) implements Result { }

    /** The host could not be reached or logged into; {@code reason} says why and what to do. */
    record Unreachable(String reason) implements Result { }

    /**
     * @param address {@code host} or {@code host:port}
     * @param user    login user, or null for the configured one
     */
    Result run(String address, String user, String command, Cancellation cancellation);
}
