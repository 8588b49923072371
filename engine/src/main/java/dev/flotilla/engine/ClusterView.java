package dev.flotilla.engine;

import dev.flotilla.registry.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.WatchEvent;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The engine's copy of the cluster state, fed by the registry's watches (and by the engine's own
 * writes once they succeeded, so the next pass does not repeat them before the watch echoes them).
 * Not thread-safe: the engine touches it from its one thread.
 */
final class ClusterView {
    private final Map<String, Machine> machines = new TreeMap<>();
    private final Map<String, UnitRecord> units = new HashMap<>();
    /** keyed "machine/unit", as the registry's all-machines assignment watch delivers them */
    private final Map<String, Assignment> assignments = new HashMap<>();
    private final Map<String, String> waiting = new HashMap<>();
    private boolean machinesLoaded;
    private boolean unitsLoaded;
    private boolean assignmentsLoaded;
    private boolean waitingLoaded;

    /** Whether every watch has delivered its first snapshot: only then may a pass run. */
    boolean complete() {
        return machinesLoaded && unitsLoaded && assignmentsLoaded && waitingLoaded;
    }

    void onMachines(WatchEvent<Machine> event) {
        apply(machines, event, Function.identity());
        machinesLoaded = true;
    }

    void onUnits(WatchEvent<UnitRecord> event) {
        apply(units, event, Function.identity());
        unitsLoaded = true;
    }

    void onAssignments(WatchEvent<Assignment> event) {
        apply(assignments, event, Function.identity());
        assignmentsLoaded = true;
    }

    void onWaiting(WatchEvent<String> event) {
        apply(waiting, event, Function.identity());
        waitingLoaded = true;
    }

    private static <T> void apply(Map<String, T> target, WatchEvent<T> event, Function<T, T> f) {
        if (event instanceof WatchEvent.Snapshot<T> s) {
            target.clear();
            s.items().forEach((k, v) -> target.put(k, f.apply(v)));
        } else if (event instanceof WatchEvent.Updated<T> u) {
            target.put(u.key(), f.apply(u.value()));
        } else if (event instanceof WatchEvent.Removed<T> r) {
            target.remove(r.key());
        }
    }

    /** Records changes the registry accepted. */
    void applied(Iterable<AssignmentChange> changes) {
        for (AssignmentChange c : changes) {
            if (c instanceof AssignmentChange.Assign a) {
                assignments.put(key(a.assignment().machineId(), a.assignment().unit()), a.assignment());
            } else if (c instanceof AssignmentChange.Unassign u) {
                assignments.remove(key(u.machineId(), u.unit()));
            } else if (c instanceof AssignmentChange.Waiting w) {
                waiting.put(w.unit(), w.reason());
            } else if (c instanceof AssignmentChange.NotWaiting n) {
                waiting.remove(n.unit());
            }
        }
    }

    static String key(String machineId, String unit) {
        return machineId + "/" + unit;
    }

    Map<String, Machine> machines() {
        return Collections.unmodifiableMap(machines);
    }

    Map<String, UnitRecord> units() {
        return Collections.unmodifiableMap(units);
    }

    Iterable<Assignment> assignments() {
        return Collections.unmodifiableCollection(assignments.values());
    }

    int assignmentCount() {
        return assignments.size();
    }

    Map<String, String> waiting() {
        return Collections.unmodifiableMap(waiting);
    }
}
