package dev.minilab.testkit;

/** A child process did not do what the test waited for; the message carries the tail of its log. */
public final class ChildProcessException extends RuntimeException {

    public ChildProcessException(String message) {
        super(message);
    }
}
