package dev.flotilla.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cluster state. The only code that knows how it is laid out in etcd.
 * Every read returns the revision it saw.
 */
public interface Registry extends AutoCloseable {

    /** Connects to etcd (lazily: the first call that needs it fails if etcd is unreachable). */
    static Registry connect(EtcdConfig config) {
        return new EtcdRegistry(config);
    }

    /** All registered machines, sorted by id. */
    Versioned<List<Machine>> machines();

    /**
     * Registers this machine on a lease of the given TTL.
     *
     * @param session a token that stays the same across restarts of the same daemon (kept in its
     *                state directory): a restarted daemon adopts its own still-living registration
     *                instead of being refused as a duplicate.
     * @param conflictWait how long to wait for a conflicting registration to expire before refusing
     * @throws MachineIdConflictException if another live daemon holds this machine id
     */
    MachinePresence register(Machine machine, Duration ttl, String session, Duration conflictWait);

    /** A candidate for the engine leadership. */
    LeaderElection leaderElection(String candidateId, Duration ttl);

    /** The active engine's machine id, if one is elected. */
    Optional<String> engineLeader();

    @Override
    void close();
}
