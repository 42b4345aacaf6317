package dev.minilab.provisioning.backend;

/** The step of RUNNING (or of a destroy) that produced a failure. */
public enum Stage {
    INIT, PLAN, APPLY, DESTROY;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
