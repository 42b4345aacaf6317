package dev.minilab.containers.podman;

/** A podman command failed or did not finish; the message holds the command and what it printed. */
public final class PodmanException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PodmanException(String message) {
        super(message);
    }
}
