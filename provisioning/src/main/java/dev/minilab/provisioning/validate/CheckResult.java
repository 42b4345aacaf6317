package dev.minilab.provisioning.validate;

import java.util.Objects;

/**
 * One of the four checks of VALIDATING.
 *
 * @param check  {@code state}, {@code ssh}, {@code identity} (hostname and OS) or {@code health}
 * @param passed whether it passed (a skipped check passes and says so)
 * @param detail what was seen; for a failure, what is wrong, per host
 */
public record CheckResult(String check, boolean passed, String detail) {
    public CheckResult {
        Objects.requireNonNull(check, "check");
        detail = detail == null ? "" : detail;
    }

    @Override
    public String toString() {
        return check + ": " + (passed ? "PASS" : "FAIL") + (detail.isEmpty() ? "" : " — " + detail);
    }
}
