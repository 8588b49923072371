package dev.flotilla.registry;

import dev.flotilla.model.Assignment;

import java.util.Objects;

/** One change the engine makes, applied in a fenced transaction. */
public sealed interface AssignmentChange {
    /** Puts (or rewrites) the assignment. */
    record Assign(Assignment assignment) implements AssignmentChange {
    }

    record Unassign(String machineId, String unit) implements AssignmentChange {
    }

    /** Records why a unit has no machine, for the API and CLI to show. */
    record Waiting(String unit, String reason) implements AssignmentChange {
        public Waiting {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Clears a unit's waiting reason (it was placed, or is no longer wanted anywhere). */
    record NotWaiting(String unit) implements AssignmentChange {
    }
}
