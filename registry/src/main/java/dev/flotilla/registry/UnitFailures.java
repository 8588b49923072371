package dev.flotilla.registry;

import dev.flotilla.model.UnitFailure;

import java.util.List;
import java.util.Optional;

/**
 * The engine's failure records of {@code RescheduleOnFailure=} units ({@link UnitFailure}), one per
 * unit. Only the leader writes them, fenced on its leadership as assignments are; anyone may read.
 */
public interface UnitFailures {

    Versioned<List<UnitFailure>> unitFailures();

    Optional<UnitFailure> unitFailure(String unit);

    /** Stores (or replaces) the unit's record if {@code fencingRevision} still leads; false if not. */
    boolean putUnitFailure(long fencingRevision, UnitFailure failure);

    /** Removes the unit's record (nothing if there is none) if {@code fencingRevision} still leads; false if not. */
    boolean removeUnitFailure(long fencingRevision, String unit);
}
