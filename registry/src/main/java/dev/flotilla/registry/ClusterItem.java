package dev.flotilla.registry;

import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;

/**
 * What {@link Registry#watchCluster} reports: a unit, a machine, a unit state or a rollout. Keys are
 * {@code units/<name>}, {@code machines/<id>}, {@code states/<machine>/<unit>} and {@code rollouts/<id>}.
 */
public sealed interface ClusterItem {
    String UNITS = "units/";
    String MACHINES = "machines/";
    String STATES = "states/";
    String ROLLOUTS = "rollouts/";

    /** Whether a key below the registry's prefix is a unit, machine or state. */
    static boolean reported(String key) {
        return key.startsWith(UNITS) || key.startsWith(MACHINES) || key.startsWith(STATES) || key.startsWith(ROLLOUTS);
    }

    /** The event without what is not reported, or null to drop it (a removal may carry no value to tell). */
    static WatchEvent<ClusterItem> onlyReported(WatchEvent<ClusterItem> event) {
        if (event instanceof WatchEvent.Removed<ClusterItem> r && !reported(r.key())
                || event instanceof WatchEvent.Updated<ClusterItem> u && !reported(u.key())) {
            return null;
        }
        if (event instanceof WatchEvent.Snapshot<ClusterItem> s && !s.items().keySet().stream().allMatch(ClusterItem::reported)) {
            java.util.Map<String, ClusterItem> kept = new java.util.HashMap<>(s.items());
            kept.keySet().removeIf(k -> !reported(k));
            return new WatchEvent.Snapshot<>(kept, s.revision());
        }
        return event;
    }

    record UnitItem(UnitRecord unit) implements ClusterItem {
    }

    record MachineItem(Machine machine) implements ClusterItem {
    }

    record StateItem(UnitState state) implements ClusterItem {
    }

    /** A rollout's record ({@code rollouts/<id>}): its progress as the engine advances it. */
    record RolloutItem(dev.flotilla.model.Rollout rollout) implements ClusterItem {
    }
}
