package dev.minilab.provisioning.backend;

/** The step of RUNNING (or of a destroy) that produced a failure. */
public enum Stage {
    /** MiniLab's Terraform checks (run_terraform's, before plan) refused the configuration: terraform did not run. */
    CHECKS,
    INIT, PLAN, APPLY, DESTROY;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The step as a person names it: {@code terraform plan}, or MiniLab's checks before terraform. */
    public String step() {
        return this == CHECKS ? "MiniLab's checks before terraform" : "terraform " + word();
    }
}
