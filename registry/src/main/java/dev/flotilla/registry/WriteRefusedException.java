package dev.flotilla.registry;

/**
 * etcd refused a write for good (the request is larger than its {@code --max-request-bytes}, or
 * has more operations than it takes): sending it again fails the same way, so the caller's
 * request, not the cluster, is at fault.
 */
public class WriteRefusedException extends RegistryException {
    public WriteRefusedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether etcd's error (anywhere in the chain) is such a refusal. */
    static boolean isRefusal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("request is too large") || m.contains("received message larger than max")
                    || m.contains("too many operations in txn request")) {
                return true;
            }
        }
        return false;
    }
}
