package dev.flotilla.model;

import java.util.Objects;

/**
 * The engine's decision that a unit (at this hash) runs on a machine, and how far: loaded only,
 * or launched. The agent of that machine follows only these records (plus global units), so the
 * desired state travels with the assignment and the agent never has to watch every unit.
 */
public record Assignment(String machineId, String unit, String hash, DesiredState desired) {
    public Assignment {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(desired, "desired");
        if (desired == DesiredState.INACTIVE) {
            throw new IllegalArgumentException("an inactive unit is not assigned: " + unit);
        }
    }

    /** A launched unit's assignment. */
    public Assignment(String machineId, String unit, String hash) {
        this(machineId, unit, hash, DesiredState.LAUNCHED);
    }
}
