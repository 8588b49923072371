package dev.flotilla.registry;

/** The engine's decision that a unit (at this hash) runs on a machine. */
public record Assignment(String machineId, String unit, String hash) {
}
