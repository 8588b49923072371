package dev.flotilla.model;

/** A unit's systemd state on a machine, as its agent last published it. */
public record UnitState(String machineId, String unit, String hash, String loadState, String activeState,
                        String subState) {
}
