package dev.flotilla.registry;

import java.time.Duration;

/**
 * One cluster state held in memory, for logic tests of the engine and the agent: each
 * {@link #connect()} is a client with its own {@link Registry}, like a daemon's connection to etcd,
 * and all clients share the keys, the revision counter, the leases and the election.
 *
 * Time is a {@link ManualClock}: leases run out only when the test advances it. Listeners run on
 * delivery threads (one at a time per watch, election or presence, never on the writer's thread,
 * as with etcd); {@link #awaitQuiet()} waits until everything produced so far was delivered.
 */
public interface InMemoryCluster extends AutoCloseable {

    /** A new empty cluster with its own clock. */
    static InMemoryCluster create() {
        return new MemoryCluster(new ManualClock());
    }

    /** A new empty cluster on the given clock (e.g. one the code under test also reads). */
    static InMemoryCluster create(ManualClock clock) {
        return new MemoryCluster(clock);
    }

    /** A new client: its own keep-alives, watches and connection. */
    InMemoryRegistry connect();

    ManualClock clock();

    /** Advances the clock; leases whose keepers stopped run out on the way, in time order. */
    void advance(Duration amount);

    /**
     * Waits (at most 10 s of real time) until no callback is queued or running anywhere in the
     * cluster. Writes a listener makes count before it returns, so a cascade of reactions that
     * happen on listener threads is complete when this returns.
     *
     * @throws IllegalStateException if a listener is still busy after the bound
     */
    void awaitQuiet();

    /** The current revision (every write that changes something bumps it). */
    long revision();

    /** How many register() calls are waiting for a conflicting registration to go (on the clock). */
    int waitingRegistrations();

    /** Closes every client (as crashes) and stops delivery. */
    @Override
    void close();
}
