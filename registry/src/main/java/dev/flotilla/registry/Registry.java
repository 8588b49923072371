package dev.flotilla.registry;

import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.MetadataOverride;

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

    /**
     * A registry on an in-memory cluster of its own (it ends when the registry is closed), for
     * logic tests; {@link InMemoryCluster} gives several clients of one cluster.
     */
    static InMemoryRegistry inMemory() {
        return MemoryCluster.standalone();
    }

    /** The store's current revision (etcd's, for the whole cluster): what a read now would see. */
    long revision();

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

    /**
     * Writes metadata overrides (fleet's PATCH of machines) in one transaction per 100. They are
     * kept apart from the machine's registration, so they outlast it; the machine's daemon lays
     * them over its configured metadata ({@link Machine#merge}) and announces the result.
     */
    void overrideMetadata(List<MetadataOverride> overrides);

    /** One machine's metadata overrides: key to value, "" = removed. */
    Versioned<java.util.Map<String, String>> metadataOverrides(String machineId);

    /** One machine's metadata overrides as they change (keys are metadata keys, values as above). */
    Subscription watchMetadataOverrides(String machineId, java.util.function.Consumer<WatchEvent<String>> listener);

    /** A candidate for the engine leadership. */
    LeaderElection leaderElection(String candidateId, Duration ttl);

    /** The active engine's machine id, if one is elected. */
    Optional<String> engineLeader();

    // ---- units (written by the API) ----

    /** All units, sorted by name. */
    Versioned<List<UnitRecord>> units();

    /** One unit with its modification revision, for compare-and-set. */
    Optional<Versioned<UnitRecord>> unit(String name);

    /** Creates the unit if no unit of that name exists; false if one does. */
    boolean createUnit(UnitRecord unit);

    /** Replaces the unit if it is still at expectedRevision; false if it changed or vanished. */
    boolean replaceUnit(UnitRecord unit, long expectedRevision);

    /** Sets the desired state of an existing unit; false if there is no such unit. */
    boolean setDesiredState(String name, DesiredState desired);

    /**
     * Creates every unit whose name is free, in few transactions (at most 100 operations each,
     * the globals index entries included). A unit whose name exists is left untouched.
     *
     * @return per name, in the order given: true if created, false if a unit of that name existed
     * @throws IllegalArgumentException if a name is given twice (nothing is written)
     */
    java.util.Map<String, Boolean> createUnits(List<UnitRecord> units);

    /**
     * Sets the desired state of many units in few transactions, each unit compare-and-set like
     * {@link #setDesiredState}, so a concurrent replace of a text is never overwritten.
     *
     * @return per name, in the map's iteration order: false if there is no such unit
     */
    java.util.Map<String, Boolean> setDesiredStates(java.util.Map<String, DesiredState> desired);

    /** Deletes the unit; false if there was none. */
    boolean deleteUnit(String name);

    /** The units whose [X-Fleet] says Global=true, sorted by name: what every agent follows. */
    Versioned<List<UnitRecord>> globalUnits();

    // ---- assignments (written by the engine, fenced) ----

    Versioned<List<Assignment>> assignments();

    /**
     * Applies the changes as leader: each transaction succeeds only while the leader key still has
     * the create revision the leadership was gained at.
     *
     * Changes are written in order, in transactions of at most 100 operations: give every unassign
     * before any assign, so a unit moved between machines is never assigned to both.
     *
     * @return false if the leadership is gone (nothing more was written)
     */
    boolean applyAssignments(long fencingRevision, List<AssignmentChange> changes);

    /** Why units that want a machine have none (unit name to reason), as the engine last wrote it. */
    Versioned<java.util.SortedMap<String, String>> waiting();

    // ---- unit states (written by agents, attached to their machine lease) ----

    Versioned<List<UnitState>> unitStates();

    /** The states one machine published. */
    Versioned<List<UnitState>> unitStates(String machineId);

    void publishState(MachinePresence presence, UnitState state);

    void removeState(MachinePresence presence, String unit);

    /** Publishes many states in few transactions (at most 100 writes each). */
    void publishStates(MachinePresence presence, List<UnitState> states);

    /** Removes many of this machine's states in few transactions. */
    void removeStates(MachinePresence presence, List<String> units);

    // ---- watches: list, then watch; a new Snapshot after any gap ----

    Subscription watchMachines(java.util.function.Consumer<WatchEvent<Machine>> listener);

    Subscription watchUnits(java.util.function.Consumer<WatchEvent<UnitRecord>> listener);

    /** Assignments of all machines (keys "machine/unit"). */
    Subscription watchAssignments(java.util.function.Consumer<WatchEvent<Assignment>> listener);

    /** Assignments of one machine (keys are unit names): what an agent follows. */
    Subscription watchAssignments(String machineId, java.util.function.Consumer<WatchEvent<Assignment>> listener);

    /** Global units (keys are unit names). */
    Subscription watchGlobalUnits(java.util.function.Consumer<WatchEvent<UnitRecord>> listener);

    /** Waiting reasons (keys are unit names). */
    Subscription watchWaiting(java.util.function.Consumer<WatchEvent<String>> listener);

    /** Unit states of all machines (keys "machine/unit"). */
    Subscription watchStates(java.util.function.Consumer<WatchEvent<UnitState>> listener);

    /**
     * Units, machines and unit states in one watch, in revision order across all three (keys as
     * in {@link ClusterItem}), handed over by whole revisions: each call gets a Snapshot alone or
     * every change of one revision. With {@code afterRevision > 0} it starts with the changes
     * after that revision, without a Snapshot, when the store can still replay them; otherwise,
     * and after any gap, a Snapshot comes first.
     */
    Subscription watchCluster(long afterRevision,
                              java.util.function.Consumer<java.util.List<WatchEvent<ClusterItem>>> listener);

    @Override
    void close();
}
