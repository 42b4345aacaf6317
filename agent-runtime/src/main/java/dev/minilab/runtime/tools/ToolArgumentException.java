package dev.minilab.runtime.tools;

import dev.minilab.runtime.MiniLabException;

/** A tool was called with a missing or ill-typed argument; the message tells the model how to call it. */
public final class ToolArgumentException extends MiniLabException {

    public ToolArgumentException(String message) {
        super(message);
    }
}
