package dev.flotilla.registry;

/**
 * The cluster state, as the six narrow interfaces it is made of, one per concern (in the manner
 * of jetcd's KV, Lease and Watch): {@link Units}, {@link Assignments}, {@link Machines},
 * {@link UnitStates}, {@link ClusterEvents} and {@link EngineLeadership}, and the engine's
 * {@link UnitFailures}. Code that needs one
 * concern takes that interface (and a test fakes only it); code that wires a daemon holds the
 * whole registry. Every read returns the revision it saw; every watch lists, then watches, and
 * starts over with a Snapshot after any gap.
 */
public interface Registry extends Units, Assignments, Machines, UnitStates, ClusterEvents, EngineLeadership,
        UnitFailures, AutoCloseable {

    /** Connects to etcd (lazily: the first call that needs it fails if etcd is unreachable). */
    static Registry connect(EtcdConfig config) {
        return new EtcdRegistry(config);
    }

    @Override
    void close();
}
