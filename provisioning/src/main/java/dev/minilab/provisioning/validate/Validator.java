package dev.minilab.provisioning.validate;

import dev.minilab.provisioning.backend.ApplyResult;
import dev.minilab.provisioning.backend.Guest;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.Variables;
import dev.minilab.runtime.control.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * VALIDATING, without an LLM: (1) the apply succeeded and the state holds the expected resource count; (2) each host
 * answers SSH (retried until {@code sshWait} runs out, since a fresh guest boots); (3) each host's hostname and OS
 * match the spec; (4) the spec's health command exits 0 on each host.
 */
public final class Validator {

    /** Proves a host answers SSH. */
    public static final String SSH_COMMAND = "echo ok";
    /** Prints the hostname, then /etc/os-release. */
    public static final String IDENTITY_COMMAND = "hostname; cat /etc/os-release";

    private static final Duration SSH_RETRY_EVERY = Duration.ofSeconds(3);

    private final HostProbe probe;
    private final Duration sshWait;
    private final Clock clock;

    public Validator(HostProbe probe, Duration sshWait) {
        this(probe, sshWait, Clock.systemUTC());
    }

    Validator(HostProbe probe, Duration sshWait, Clock clock) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.sshWait = Objects.requireNonNull(sshWait, "sshWait");
        this.clock = clock;
    }

    public ValidationReport validate(ProvisionSpec spec, Variables variables, ApplyResult.Applied applied,
                                     Cancellation cancellation) {
        List<CheckResult> results = new ArrayList<>();
        boolean countOk = applied.stateResources() == spec.expectedCount()
                && applied.guests().size() == spec.expectedCount();
        results.add(new CheckResult("state", countOk, "the state holds " + applied.stateResources()
                + " resource(s) with " + applied.guests().size() + " guest(s) in the outputs; the spec expects "
                + spec.expectedCount()));
        if (!spec.checks().ssh()) {
            results.add(new CheckResult("ssh", true, "skipped (checks.ssh is false)"));
            results.add(new CheckResult("identity", true, "skipped (checks.ssh is false)"));
            results.add(new CheckResult("health", true, "skipped (checks.ssh is false)"));
            return new ValidationReport(results);
        }
        String user = spec.checks().sshUser().orElse(null);
        List<String> expectedNames = ProvisionSpec.hostnames(variables);
        Map<Guest, Boolean> reachable = new LinkedHashMap<>();
        List<String> sshProblems = new ArrayList<>();
        for (Guest guest : applied.guests()) {
            String problem = awaitSsh(guest, user, cancellation);
            reachable.put(guest, problem == null);
            if (problem != null) {
                sshProblems.add(problem);
            }
        }
        results.add(new CheckResult("ssh", sshProblems.isEmpty() && !applied.guests().isEmpty(),
                sshProblems.isEmpty() ? applied.guests().size() + " host(s) answer SSH" : String.join("; ", sshProblems)));

        List<String> identityProblems = new ArrayList<>();
        List<String> healthProblems = new ArrayList<>();
        int index = 0;
        for (Guest guest : applied.guests()) {
            String expectedName = index < expectedNames.size() ? expectedNames.get(index) : guest.hostname();
            index++;
            if (!reachable.get(guest)) {
                identityProblems.add(guest.hostname() + ": not checked (no SSH)");
                healthProblems.add(guest.hostname() + ": not checked (no SSH)");
                continue;
            }
            identity(guest, expectedName, spec.checks().os().orElse(null), user, cancellation).ifPresent(identityProblems::add);
            HostProbe.Result health = probe.run(guest.address(), user, spec.checks().healthCommand(), cancellation);
            switch (health) {
                case HostProbe.Answered a when a.exitCode() == 0 -> { }
                case HostProbe.Answered a -> healthProblems.add(guest.hostname() + " (" + guest.address() + "): '"
                        + spec.checks().healthCommand() + "' exited " + a.exitCode() + ": " + tail(a.output()));
                case HostProbe.Unreachable u -> healthProblems.add(guest.hostname() + ": " + u.reason());
            }
        }
        results.add(new CheckResult("identity", identityProblems.isEmpty(), identityProblems.isEmpty()
                ? "hostnames " + expectedNames + spec.checks().os().map(os -> ", OS " + os).orElse("") + " match"
                : String.join("; ", identityProblems)));
        results.add(new CheckResult("health", healthProblems.isEmpty(), healthProblems.isEmpty()
                ? "'" + spec.checks().healthCommand() + "' succeeded on every host" : String.join("; ", healthProblems)));
        return new ValidationReport(results);
    }

    /** Null when the guest answers SSH within the wait, else why not. */
    private String awaitSsh(Guest guest, String user, Cancellation cancellation) {
        if (guest.address() == null || guest.address().isBlank()) {
            return guest.hostname() + " (id " + guest.id() + "): no IP address in the outputs (guest agent or DHCP "
                    + "did not report one)";
        }
        long deadline = clock.millis() + sshWait.toMillis();
        while (true) {
            cancellation.throwIfCancelled();
            HostProbe.Result result = probe.run(guest.address(), user, SSH_COMMAND, cancellation);
            if (result instanceof HostProbe.Answered a && a.exitCode() == 0) {
                return null;
            }
            String why = result instanceof HostProbe.Unreachable u ? u.reason()
                    : "'" + SSH_COMMAND + "' exited " + ((HostProbe.Answered) result).exitCode();
            if (clock.millis() >= deadline || why.contains("refused: ")) {
                return guest.hostname() + " (" + guest.address() + "): " + why;
            }
            try {
                Thread.sleep(Math.min(SSH_RETRY_EVERY.toMillis(), Math.max(1, deadline - clock.millis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return guest.hostname() + ": interrupted while waiting for SSH";
            }
        }
    }

    private Optional<String> identity(Guest guest, String expectedName, String expectedOs, String user,
                                      Cancellation cancellation) {
        HostProbe.Result result = probe.run(guest.address(), user, IDENTITY_COMMAND, cancellation);
        if (!(result instanceof HostProbe.Answered answered) || answered.exitCode() != 0) {
            return Optional.of(guest.hostname() + ": could not read hostname and /etc/os-release ("
                    + (result instanceof HostProbe.Unreachable u ? u.reason() : tail(((HostProbe.Answered) result).output()))
                    + ")");
        }
        String[] lines = answered.output().strip().split("\n");
        String hostname = lines.length == 0 ? "" : lines[0].strip();
        Map<String, String> osRelease = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                osRelease.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip().replace("\"", ""));
            }
        }
        List<String> problems = new ArrayList<>();
        if (!hostname.equals(expectedName)) {
            problems.add("hostname is '" + hostname + "', the spec expects '" + expectedName + "'");
        }
        osProblem(expectedOs, osRelease).ifPresent(problems::add);
        return problems.isEmpty() ? Optional.empty()
                : Optional.of(guest.hostname() + " (" + guest.address() + "): " + String.join(", ", problems));
    }

    private static Optional<String> osProblem(String expectedOs, Map<String, String> osRelease) {
        if (expectedOs == null || expectedOs.isBlank()) {
            return Optional.empty();
        }
        String[] want = expectedOs.toLowerCase(Locale.ROOT).split("\\s+", 2);
        String id = osRelease.getOrDefault("ID", "").toLowerCase(Locale.ROOT);
        String version = osRelease.getOrDefault("VERSION_ID", "");
        boolean ok = id.equals(want[0]) && (want.length < 2 || version.equals(want[1])
                || version.startsWith(want[1] + "."));
        return ok ? Optional.empty() : Optional.of("OS is '" + id + " " + version
                + "', the spec expects '" + expectedOs + "'");
    }

    private static String tail(String output) {
        String oneLine = output.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : "…" + oneLine.substring(oneLine.length() - 200);
    }
}
