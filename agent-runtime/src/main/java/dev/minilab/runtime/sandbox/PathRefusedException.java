package dev.minilab.runtime.sandbox;

import dev.minilab.runtime.MiniLabException;

/** A tool path was refused by a {@link PathPolicy}; the message says why and which paths are allowed. */
public final class PathRefusedException extends MiniLabException {

    private final String requestedPath;

    PathRefusedException(String requestedPath, String message) {
        super(message);
        this.requestedPath = requestedPath;
    }

    /** The path exactly as the caller gave it (may contain the characters that caused the refusal). */
    public String requestedPath() {
        return requestedPath;
    }
}
