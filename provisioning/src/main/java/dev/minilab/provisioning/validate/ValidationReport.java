package dev.minilab.provisioning.validate;

import java.util.List;

/** The four checks' results. */
public record ValidationReport(List<CheckResult> checks) {

    public ValidationReport {
        checks = List.copyOf(checks);
    }

    public boolean passed() {
        return checks.stream().allMatch(CheckResult::passed);
    }

    /** One line per failed check: what the diagnosis sees as the validator's findings. */
    public List<String> findings() {
        return checks.stream().filter(c -> !c.passed()).map(CheckResult::toString).toList();
    }
}
