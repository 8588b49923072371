package dev.flotilla.registry;

import dev.flotilla.model.UnitState;

import java.util.List;
import java.util.function.Consumer;

/** The states agents publish of their units, attached to their machine's lease. */
public interface UnitStates {

    Versioned<List<UnitState>> unitStates();

    /** The states one machine published. */
    Versioned<List<UnitState>> unitStates(String machineId);

    /**
     * One page of states in key order (machine id, then unit name): those whose "machine/unit" sorts
     * after {@code after} ("" for the first page), at most {@code limit} (1 to {@link Page#MAX_ITEMS}),
     * of one machine or, with {@code machineId} "", of every machine.
     */
    Page<UnitState> unitStatesAfter(String machineId, String after, int limit);

    /**
     * The state of each unit on the machine given for it (unit name to machine id), by point reads
     * as {@link #unitStateOn}; units with no state there are left out.
     */
    List<UnitState> unitStatesAt(java.util.Map<String, String> machineByUnit);

    /**
     * The states of one unit on the given machines, by point reads of {@code states/<machine>/<unit>}
     * (in transactions of at most {@link #POINT_READS_PER_TXN} gets, sent together): no other unit's
     * state is read, so the cost follows the number of machines asked about, not the units of the cluster.
     */
    List<UnitState> unitStateOn(String unit, java.util.Collection<String> machineIds);

    /** Gets per transaction of {@link #unitStateOn}: below etcd's default --max-txn-ops of 128. */
    int POINT_READS_PER_TXN = 100;

    void publishState(MachinePresence presence, UnitState state);

    void removeState(MachinePresence presence, String unit);

    /** Publishes many states in few transactions (at most 100 writes each). */
    void publishStates(MachinePresence presence, List<UnitState> states);

    /** Removes many of this machine's states in few transactions. */
    void removeStates(MachinePresence presence, List<String> units);

    /** Unit states of all machines (keys "machine/unit"). */
    Subscription watchStates(Consumer<WatchEvent<UnitState>> listener);

    /**
     * As {@link #watchStates(Consumer)}, and {@code caughtUp} hears revisions up to which every
     * change has been delivered: after the Snapshot, after each whole revision's changes (never in
     * the middle of one), and after each {@link ProgressWatch#requestProgress()} even when nothing
     * changed. On the listener's lane, after those changes. With {@link ClusterEvents#revision()}
     * read first, what a mirror needs to answer as a read of the store would.
     */
    ProgressWatch watchStates(Consumer<WatchEvent<UnitState>> listener, java.util.function.LongConsumer caughtUp);
}
