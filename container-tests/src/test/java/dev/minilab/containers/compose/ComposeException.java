package dev.minilab.containers.compose;

/** A compose file this interpreter cannot read or translate; the message says what to change. */
public final class ComposeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ComposeException(String message) {
        super(message);
    }

    public ComposeException(String message, Throwable cause) {
        super(message, cause);
    }
}
