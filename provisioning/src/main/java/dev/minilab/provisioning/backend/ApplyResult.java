package dev.minilab.provisioning.backend;

import java.util.List;

/** The outcome of applying a plan. */
public sealed interface ApplyResult {

    /**
     * The apply succeeded.
     *
     * @param guests         the guests from the module's outputs, in order
     * @param stateResources managed resources in the state afterwards
     * @param output         what the apply printed
     */
    record Applied(List<Guest> guests, int stateResources, String output) implements ApplyResult {
        public Applied {
            guests = List.copyOf(guests);
        }
    }

    /** The apply failed: terraform's error text, for the diagnosis. */
    record Failed(StepFailure failure) implements ApplyResult { }

    /** The backend cannot run at all. */
    record Broken(String reason) implements ApplyResult { }
}
