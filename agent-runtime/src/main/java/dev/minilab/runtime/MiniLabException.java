package dev.minilab.runtime;

/**
 * Root of every exception the MiniLab runtime throws on purpose.
 *
 * <p>Subtypes carry the data a caller needs to explain the failure (which tool, which path, which variable);
 * messages are written for the person who has to fix the problem and say what to do.
 */
public class MiniLabException extends RuntimeException {

    public MiniLabException(String message) {
        super(message);
    }

    public MiniLabException(String message, Throwable cause) {
        super(message, cause);
    }
}
