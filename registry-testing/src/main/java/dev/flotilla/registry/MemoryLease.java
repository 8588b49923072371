package dev.flotilla.registry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A lease of the in-memory cluster. While its keeper is connected it never runs out (keep-alives
 * flow); once the keeper stops, it expires ttl later. Guarded by the store's monitor.
 */
final class MemoryLease {
    private final long id;
    private final long ttlNanos;
    private final Set<String> keys = new HashSet<>();
    private final List<Runnable> expired = new ArrayList<>();
    private MemoryClient keeper;
    private long expiresAt;

    MemoryLease(long id, long ttlNanos, MemoryClient keeper) {
        this.id = id;
        this.ttlNanos = ttlNanos;
        this.keeper = keeper;
        this.expiresAt = Long.MAX_VALUE;
    }

    long id() {
        return id;
    }

    MemoryClient keeper() {
        return keeper;
    }

    /** The keys attached to this lease. */
    Set<String> keys() {
        return keys;
    }

    /** What happens when the lease runs out (not when it is revoked). */
    List<Runnable> expired() {
        return expired;
    }

    void onExpired(Runnable reaction) {
        expired.add(reaction);
    }

    long expiresAt() {
        return expiresAt;
    }

    /** Another client keeps the lease alive from now on. */
    void keeper(MemoryClient client, long now) {
        keeper = client;
        refresh(now);
    }

    /**
     * Follows the keeper's connection: while it sends keep-alives the lease never runs out; once
     * it stops, the lease runs out ttl after now, the last moment a keep-alive could have arrived.
     */
    void refresh(long now) {
        if (keeper.sendsKeepAlives()) {
            expiresAt = Long.MAX_VALUE;
        } else if (expiresAt == Long.MAX_VALUE) {
            expiresAt = now + ttlNanos;
        }
    }
}
