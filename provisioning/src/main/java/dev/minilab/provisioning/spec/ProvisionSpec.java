package dev.minilab.provisioning.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One provisioning request: what to build (kind and module variables), how many resources the state must hold
 * afterwards, what to check, and whether to destroy what was created when the run fails. Running a spec is its
 * approval (recorded in the log), unless an approval gate is configured.
 *
 * @param name             deployment name: its folder {@code generated_iac/infra/deployments/<name>} keeps its state
 * @param kind             lxc or vm
 * @param variables        the module's variables (see the module's variables.tf)
 * @param expectedCount    resources the state must hold after apply
 * @param checks           the host checks
 * @param destroyOnFailure destroy what the run created when it ends FAILED
 */
public record ProvisionSpec(String name, GuestKind kind, Variables variables, int expectedCount, Checks checks,
                            boolean destroyOnFailure) {

    /** Deployment names: lower-case letters, digits and dashes, starting with a letter (a folder name). */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    public ProvisionSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("deployment name '" + name + "' must match " + NAME.pattern());
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(checks, "checks");
        if (expectedCount < 1) {
            throw new IllegalArgumentException("expected_count must be at least 1, got " + expectedCount);
        }
    }

    /** How many guests the variables ask for ({@code instance_count}, default 1). */
    public static int instanceCount(Variables variables) {
        return Math.max(1, variables.integer("instance_count", 1));
    }

    /**
     * The hostnames the module gives the guests of {@code variables}: {@code hostname} for one guest, else
     * {@code hostname-1 … hostname-N} (the rule of both modules' {@code local.names}).
     */
    public static List<String> hostnames(Variables variables) {
        int count = instanceCount(variables);
        String base = variables.text("hostname");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(count == 1 ? base : base + "-" + (i + 1));
        }
        return names;
    }

    /** A copy with other variables (tests, harness). */
    public ProvisionSpec withVariables(Variables other) {
        return new ProvisionSpec(name, kind, other, expectedCount, checks, destroyOnFailure);
    }

    /** A copy with other checks. */
    public ProvisionSpec withChecks(Checks other) {
        return new ProvisionSpec(name, kind, variables, expectedCount, other, destroyOnFailure);
    }
}
