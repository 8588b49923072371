package dev.flotilla.registry;

import dev.flotilla.model.Assignment;

import java.util.List;
import java.util.SortedMap;
import java.util.function.Consumer;

/** Which machine runs which unit, and why units that want one have none: what the engine writes, fenced. */
public interface Assignments {

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
    Versioned<SortedMap<String, String>> waiting();

    /** Assignments of all machines (keys "machine/unit"). */
    Subscription watchAssignments(Consumer<WatchEvent<Assignment>> listener);

    /**
     * As {@link #watchAssignments(Consumer)}, with {@code caughtUp} hearing how far it has got, as
     * {@link UnitStates#watchStates(Consumer, java.util.function.LongConsumer)} does for states.
     */
    ProgressWatch watchAssignments(Consumer<WatchEvent<Assignment>> listener, java.util.function.LongConsumer caughtUp);

    /** Assignments of one machine (keys are unit names): what an agent follows. */
    Subscription watchAssignments(String machineId, Consumer<WatchEvent<Assignment>> listener);

    /** Waiting reasons (keys are unit names). */
    Subscription watchWaiting(Consumer<WatchEvent<String>> listener);
}
