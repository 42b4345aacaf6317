package dev.minilab.provisioning.backend;

import java.util.Objects;

/**
 * A failed init, plan, apply or destroy: what terraform (or the simulation) printed, errors first.
 *
 * @param stage    the failing step
 * @param exitCode its exit code
 * @param output   its error output as terraform prints it (the {@code │ } ruler kept, colours removed)
 */
public record StepFailure(Stage stage, int exitCode, String output) {
    public StepFailure {
        Objects.requireNonNull(stage, "stage");
        output = output == null ? "" : output;
    }
}
