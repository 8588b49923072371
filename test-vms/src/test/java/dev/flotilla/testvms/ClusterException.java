package dev.flotilla.testvms;

/** A cluster operation (bring-up, kill, freeze, ...) failed; the message holds the script's output. */
public class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
