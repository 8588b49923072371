package dev.flotilla.registry;

/** One change the engine makes to the assignments, applied in a fenced transaction. */
public sealed interface AssignmentChange {
    record Assign(Assignment assignment) implements AssignmentChange {
    }

    record Unassign(String machineId, String unit) implements AssignmentChange {
    }
}
