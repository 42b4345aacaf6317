package dev.minilab.provisioning;

import dev.minilab.runtime.MiniLabException;

/** A provisioning request cannot be carried out as given; the message names what is wrong and what to do. */
public class ProvisioningException extends MiniLabException {

    public ProvisioningException(String message) {
        super(message);
    }

    public ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
