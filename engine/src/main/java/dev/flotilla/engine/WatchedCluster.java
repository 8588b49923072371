package dev.flotilla.engine;

import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.WatchEvent;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The engine's copy of the cluster state, fed by the registry's watches (and by the engine's own
 * writes once they succeeded, so the next pass does not repeat them before the watch echoes them).
 * Not thread-safe: the engine touches it from its one thread.
 */
final class WatchedCluster {
    private final Map<String, Machine> machines = new TreeMap<>();
    /** The units without their texts ({@link #slim}); their facts are in {@link #facts}. */
    private final Map<String, UnitRecord> units = new HashMap<>();
    private final Map<String, UnitFacts> facts = new HashMap<>();
    /** keyed "machine/unit", as the registry's all-machines assignment watch delivers them */
    private final Map<String, Assignment> assignments = new HashMap<>();
    /** unit to machine to assignment: the same assignments, found by unit */
    private final Map<String, Map<String, Assignment>> byUnit = new HashMap<>();
    private final Map<String, String> waiting = new HashMap<>();
    /** Units whose record or assignment changed since {@link #takeTouched()}. */
    private Set<String> touched = new HashSet<>();
    /** A machine came or changed, or a watch listed everything anew, since {@link #takeReshaped()}. */
    private boolean reshaped = true;
    /** Machines whose registration went since {@link #takeGone()}: their units move, the rest stays. */
    private Set<String> gone = new HashSet<>();
    private boolean machinesLoaded;
    private boolean unitsLoaded;
    private boolean assignmentsLoaded;
    private boolean waitingLoaded;

    /** Whether every watch has delivered its first snapshot: only then may a pass run. */
    boolean complete() {
        return machinesLoaded && unitsLoaded && assignmentsLoaded && waitingLoaded;
    }

    void onMachines(WatchEvent<Machine> event) {
        if (event instanceof WatchEvent.Removed<Machine> r) {
            if (machines.remove(r.key()) != null) {
                gone.add(r.key());
            }
        } else if (!(event instanceof WatchEvent.Updated<Machine> u) || !u.value().equals(machines.get(u.key()))) {
            apply(machines, event, Function.identity());
            reshaped = true; // a rewrite of the same record changes nothing
        }
        machinesLoaded = true;
    }

    void onUnits(WatchEvent<UnitRecord> event) {
        apply(units, event, this::slim);
        if (event instanceof WatchEvent.Removed<UnitRecord> r) {
            facts.remove(r.key());
        } else if (event instanceof WatchEvent.Snapshot<UnitRecord>) {
            facts.keySet().retainAll(units.keySet());
        }
        touch(event, key -> key);
        unitsLoaded = true;
    }

    void onAssignments(WatchEvent<Assignment> event) {
        event.foldInto(new WatchEvent.Fold<>() {
            @Override
            public void clear() {
                assignments.clear();
                byUnit.clear();
            }

            @Override
            public void put(String key, Assignment value) {
                putAssignment(key, value);
            }

            @Override
            public void remove(String key, Assignment previous) {
                removeAssignment(key);
            }
        });
        touch(event, key -> key.substring(key.indexOf('/') + 1));
        assignmentsLoaded = true;
    }

    void onWaiting(WatchEvent<String> event) {
        apply(waiting, event, Function.identity());
        waitingLoaded = true;
    }

    /**
     * A unit as the view keeps it: its facts read once, its text dropped. The texts of a large
     * cluster were most of the leader's heap (100,000 units of ~700 bytes), and a pass reads facts.
     */
    private UnitRecord slim(UnitRecord unit) {
        facts.put(unit.name(), UnitFacts.of(unit));
        return unit.text().isEmpty() ? unit : new UnitRecord(unit.name(), "", unit.hash(), unit.desired());
    }

    /** The facts of a unit of this view (read when it arrived), else of its text. */
    UnitFacts facts(UnitRecord unit) {
        UnitFacts f = facts.get(unit.name());
        return f != null && f.hash().equals(unit.hash()) ? f : UnitFacts.of(unit);
    }

    private static <T> void apply(Map<String, T> target, WatchEvent<T> event, Function<T, T> f) {
        event.applyTo(target, f);
    }

    private void touch(WatchEvent<?> event, Function<String, String> unitOfKey) {
        if (event instanceof WatchEvent.Snapshot<?>) {
            reshaped = true;
        } else if (event instanceof WatchEvent.Updated<?> u) {
            touched.add(unitOfKey.apply(u.key()));
        } else if (event instanceof WatchEvent.Removed<?> r) {
            touched.add(unitOfKey.apply(r.key()));
        }
    }

    private void putAssignment(String key, Assignment a) {
        Assignment before = assignments.put(key, a);
        if (before != null && !before.unit().equals(a.unit())) {
            dropFromUnit(before);
        }
        byUnit.computeIfAbsent(a.unit(), u -> new HashMap<>(2)).put(a.machineId(), a);
    }

    private void removeAssignment(String key) {
        Assignment before = assignments.remove(key);
        if (before != null) {
            dropFromUnit(before);
        }
    }

    private void dropFromUnit(Assignment a) {
        Map<String, Assignment> of = byUnit.get(a.unit());
        if (of != null && of.remove(a.machineId()) != null && of.isEmpty()) {
            byUnit.remove(a.unit());
        }
    }

    /** The units touched since the last call (records or assignments changed), and forgets them. */
    Set<String> takeTouched() {
        Set<String> t = touched;
        touched = new HashSet<>();
        return t;
    }

    /** The machines whose registration went since the last call (a pass may move just their units). */
    Set<String> takeGone() {
        Set<String> g = gone;
        gone = new HashSet<>();
        return g;
    }

    /** Gives back what a pass took but did not plan (it was held): the next pass plans it. */
    void putBack(Set<String> touchedUnits, Set<String> goneMachines) {
        touched.addAll(touchedUnits);
        gone.addAll(goneMachines);
    }

    /** Whether the next pass will start from scratch (see {@link #takeReshaped()}), without taking it. */
    boolean reshapePending() {
        return reshaped;
    }

    /** Whether machines came or changed, or a watch listed anew, since the last call: then a pass starts from scratch. */
    boolean takeReshaped() {
        boolean r = reshaped;
        reshaped = false;
        return r;
    }

    /** Records changes the registry accepted. */
    void applied(Iterable<AssignmentChange> changes) {
        for (AssignmentChange c : changes) {
            if (c instanceof AssignmentChange.Assign a) {
                putAssignment(key(a.assignment().machineId(), a.assignment().unit()), a.assignment());
            } else if (c instanceof AssignmentChange.Unassign u) {
                removeAssignment(key(u.machineId(), u.unit()));
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

    /** The assignments of one unit, on any machine (normally none or one). */
    Collection<Assignment> assignmentsOf(String unit) {
        Map<String, Assignment> of = byUnit.get(unit);
        return of == null ? List.of() : of.values();
    }

    int assignmentCount() {
        return assignments.size();
    }

    Map<String, String> waiting() {
        return Collections.unmodifiableMap(waiting);
    }
}
