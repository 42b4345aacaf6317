package dev.minilab.provisioning.backend;

import dev.minilab.provisioning.ports.InventorySource;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.Variables;
import dev.minilab.runtime.control.Cancellation;

/**
 * What the pipeline drives in RUNNING: the Terraform backend (real terraform, real Proxmox) or the simulated one
 * (the bpg/proxmox provider's behaviour and error texts for the known fault classes, no network). Implementations
 * never throw for a failing step: failures are values.
 */
public interface ProvisioningBackend {

    /** {@code terraform} or {@code simulated} (reports and the eval JSON). */
    String target();

    /** init + plan of {@code spec}'s module with {@code variables}. */
    PlanResult plan(ProvisionSpec spec, Variables variables, Cancellation cancellation);

    /** Applies {@code plan} exactly. */
    ApplyResult apply(Plan plan, Cancellation cancellation);

    /** Destroys everything of {@code spec}'s deployment (used on FAILED when the spec asks for it). */
    DestroyResult destroy(ProvisionSpec spec, Variables variables, Cancellation cancellation);

    /** The inventory the diagnosis sees for this backend's cluster. */
    InventorySource inventory();

    /** The outcome of a destroy. */
    record DestroyResult(boolean succeeded, String output) { }
}
