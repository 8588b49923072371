package dev.flotilla.registry;

/**
 * A client of an {@link InMemoryCluster}: a {@link Registry} with etcd's semantics, plus what a
 * test does to a daemon's connection.
 *
 * {@link #close()} behaves as closing an etcd client: keep-alives stop and watches end, but
 * nothing is revoked, so this client's machine registrations and leadership run out after their
 * TTL, as when a daemon crashes. {@link #stop()} is the clean shutdown.
 */
public interface InMemoryRegistry extends Registry {

    /**
     * A registry on an in-memory cluster of its own (it ends when the registry is closed), for
     * logic tests; {@link InMemoryCluster} gives several clients of one cluster.
     */
    static InMemoryRegistry standalone() {
        return MemoryCluster.standalone();
    }

    InMemoryCluster cluster();

    /**
     * Cuts this client off, as a network partition: its calls fail with {@link RegistryException},
     * its keep-alives stop (its leases run out when the clock passes their TTL), its presences go
     * SUSPENDED (LOST when the lease runs out) and its watches hear nothing.
     */
    void disconnect();

    /**
     * Ends the cut: calls work again, living leases are kept alive again (presences CONNECTED),
     * every watch starts over with a Snapshot, and candidates campaign again.
     */
    void reconnect();

    /** The clean shutdown: resigns every leadership and deregisters every machine at once, then closes. */
    void stop();
}
