package dev.flotilla.registry;

/**
 * Pure rule for a lease's connection state, from what the keeper saw last.
 * The lease lives on the server for ttl after the server received our last keep-alive, which is
 * after we sent it; so "sent + ttl" is a safe (early) estimate of when it expires.
 */
final class LeaseHealth {
    private LeaseHealth() {
    }

    /**
     * @param nanosSinceLastGoodSend age of the newest keep-alive that the server acknowledged
     *                               (measured from when it was sent)
     * @param ttlNanos               the lease TTL
     * @param lastAttemptFailed      whether the most recent keep-alive attempt failed
     */
    static ConnectionState evaluate(long nanosSinceLastGoodSend, long ttlNanos, boolean lastAttemptFailed) {
        if (nanosSinceLastGoodSend >= ttlNanos) {
            return ConnectionState.LOST;
        }
        // Keep-alives go out every third of the TTL: two thirds without an answer means they are
        // not getting through, even if none has failed outright yet.
        boolean overdue = nanosSinceLastGoodSend > ttlNanos / 3 * 2;
        return lastAttemptFailed || overdue ? ConnectionState.SUSPENDED : ConnectionState.CONNECTED;
    }
}
