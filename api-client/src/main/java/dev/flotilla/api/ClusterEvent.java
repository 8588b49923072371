package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

import java.util.List;

/**
 * One line of {@code GET /flotilla/v1/events}: a whole etcd revision. Either a {@code snapshot}
 * (the full state at {@code revision}; {@code reason} says why it was sent) or the
 * {@code changes} written in that revision. Resume with {@code since=<revision>} of the last
 * line handled: nothing is lost or repeated.
 */
@JsonOmit(JsonOmit.When.NULL)
public record ClusterEvent(long revision, String reason, Snapshot snapshot, List<Change> changes) {

    /** Every unit, machine and unit state at the event's revision (units by name, machines by id, states by machine then unit). */
    public record Snapshot(List<EventUnit> units, List<MachineEntity> machines, List<UnitStateEntity> states) {
    }

    /**
     * One changed item. {@code kind} is {@code unit} ({@code name}, {@code unit}), {@code machine}
     * ({@code machineID}, {@code machine}), {@code state} ({@code machineID}, {@code name},
     * {@code state}) or {@code rollout} ({@code name} is its id, {@code rollout}); {@code action} is
     * {@code updated} or {@code removed} (no value then). Snapshots do not list rollouts (GET /flotilla/v1/rollouts does).
     */
    @JsonOmit(JsonOmit.When.NULL)
    public record Change(String kind, String action, String name, String machineID, EventUnit unit, MachineEntity machine,
                         UnitStateEntity state, RolloutView rollout) {
        public Change(String kind, String action, String name, String machineID, EventUnit unit, MachineEntity machine,
                      UnitStateEntity state) {
            this(kind, action, name, machineID, unit, machine, state, null);
        }
    }

    /** A unit without its text (fetch it with GET /flotilla/v1/units/{name} when needed). */
    public record EventUnit(String name, String hash, String desiredState) {
    }

    /** Not named isSnapshot: JSON binding would take that for a second 'snapshot' property. */
    public boolean hasSnapshot() {
        return snapshot != null;
    }
}
