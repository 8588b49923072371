package dev.flotilla.registry;

import java.util.Map;

/**
 * A batch write failed after some of its transactions were committed: {@link #settled()} says, per
 * name, what was done (as the batch call would have returned it); a name it leaves out was not
 * written, or etcd did not say (a timeout). The cause is the failure.
 */
public final class PartialWriteException extends RegistryException {
    private final Map<String, Boolean> settled;

    PartialWriteException(String message, Map<String, Boolean> settled, RegistryException cause) {
        super(message + ": " + cause.getMessage(), cause);
        this.settled = Map.copyOf(settled);
    }

    public Map<String, Boolean> settled() {
        return settled;
    }

    /** Whether the failure was etcd refusing the request for good. */
    public boolean refused() {
        return getCause() instanceof WriteRefusedException;
    }
}
