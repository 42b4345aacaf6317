package dev.minilab.runtime.control;

import dev.minilab.runtime.MiniLabException;

/** Thrown inside a turn when the user's STOP or CLEAR cancelled it. */
public final class CancelledException extends MiniLabException {

    public CancelledException() {
        super("cancelled by STOP");
    }
}
