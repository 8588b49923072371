package dev.flotilla.registry;

import dev.flotilla.model.Rollout;
import dev.flotilla.model.UnitRecord;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Rollouts: their records, and which rollout holds which unit (at most one at a time). A client
 * creates a record and asks for pause, resume or abort; only the engine leader advances it, fenced.
 */
public interface Rollouts {
    /** Most units in one rollout: its creation takes them all in one transaction. */
    int MAX_UNITS = 100;
    /** Most bytes of one stored record (its texts included), well inside etcd's 1.5 MiB request limit. */
    int MAX_RECORD_BYTES = 1 << 20;

    /** What {@link #createRollout} did. */
    sealed interface Creation {
        record Created(long revision) implements Creation {
        }

        /** The unit is in another rollout that has not ended. */
        record Busy(String unit, String rolloutId) implements Creation {
        }
    }

    /**
     * A unit's new record, written only while the unit is still at expectedRevision.
     *
     * @param recordOnly write {@code units/<name>} alone and leave a global unit's index entry (the
     *                   text its agents follow) as it is: a global's rollout moves the index last
     */
    record UnitWrite(UnitRecord unit, long expectedRevision, boolean recordOnly) {
        public UnitWrite(UnitRecord unit, long expectedRevision) {
            this(unit, expectedRevision, false);
        }
    }

    /** Every rollout record, each with its modification revision, by id. */
    List<Versioned<Rollout>> rollouts();

    Optional<Versioned<Rollout>> rollout(String id);

    /**
     * Stores a new record and takes its units, all or nothing.
     *
     * @throws IllegalArgumentException if it has more than {@link #MAX_UNITS} units or its record
     *                                  more than {@link #MAX_RECORD_BYTES} (nothing is written)
     */
    Creation createRollout(Rollout rollout);

    /** A client's request: sets it if the record is still at expectedRevision; false otherwise. */
    boolean requestRollout(String id, Rollout.Request request, long expectedRevision);

    /**
     * Stores the engine's next record if the leader key still has the fencing revision and the
     * record is still at expectedRevision; with release, frees its units in the same transaction.
     *
     * @return the new revision of the record, or 0 if refused (nothing was written)
     */
    long advanceRollout(long fencingRevision, Rollout next, long expectedRevision, boolean release);

    /**
     * Writes unit texts for a rollout as the leader, each compare-and-set on its revision (in few
     * transactions). A unit that changed meanwhile is left as it is.
     *
     * @return false if the leadership is gone
     */
    boolean writeRolloutUnits(long fencingRevision, List<UnitWrite> writes);

    /** Deletes an ended rollout's record (the engine keeps the last few). */
    boolean deleteRollout(long fencingRevision, String id);

    /** Rollout records as they change (keys are ids). */
    Subscription watchRollouts(Consumer<WatchEvent<Rollout>> listener);
}
