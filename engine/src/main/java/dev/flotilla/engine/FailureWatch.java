package dev.flotilla.engine;

import dev.flotilla.engine.FailurePolicy.Action;
import dev.flotilla.engine.FailurePolicy.Healthy;
import dev.flotilla.engine.FailurePolicy.Outcome;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitFailure;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.WatchEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One leadership's view for {@code RescheduleOnFailure=}: which units ask for it, the states their
 * machines published, and the failure records ({@link FailurePolicy} decides; the engine writes).
 *
 * <p>Cost at scale: the engine watches unit states only while some unit asks for moves or a record
 * exists, and keeps only those units' states: a cluster that never uses the key pays nothing, and one
 * that does pays one prefix watch on {@code states/} (each state change is one map lookup here, and
 * requests a pass only if it is of such a unit). Per-key watches would follow units from machine to
 * machine and cost a watch each; the prefix watch is one stream however many units. Not thread-safe:
 * the engine's thread.
 */
final class FailureWatch {
    private final FailurePolicy policy;
    /** RescheduleOnFailure= of the units that have it above 0. */
    private final Map<String, Integer> limits = new HashMap<>();
    /** "machine/unit" to the state published, for those units only. */
    private final Map<String, UnitState> states = new HashMap<>();
    private final Map<String, UnitFailure> records = new HashMap<>();
    private final Map<String, Healthy> healthy = new HashMap<>();
    private boolean loaded;

    FailureWatch(FailurePolicy policy) {
        this.policy = policy;
    }

    /** The writes a review asks for, and when to look again ({@link Long#MAX_VALUE}: on the next event). */
    record Review(List<Action> writes, long wakeAtMillis) {
    }

    boolean loaded() {
        return loaded;
    }

    /** The records as stored when this engine began to lead. */
    void load(List<UnitFailure> stored) {
        records.clear();
        stored.forEach(f -> records.put(f.unit(), f));
        loaded = true;
    }

    /** Whether the unit states matter: a unit asks for moves or a record may need clearing. */
    boolean wantsStates() {
        return !limits.isEmpty() || !records.isEmpty();
    }

    void onUnits(WatchEvent<UnitRecord> event) {
        if (event instanceof WatchEvent.Snapshot<UnitRecord> s) {
            limits.clear();
            s.items().values().forEach(this::noteUnit);
        } else if (event instanceof WatchEvent.Updated<UnitRecord> u) {
            limits.remove(u.key());
            noteUnit(u.value());
        } else if (event instanceof WatchEvent.Removed<UnitRecord> r) {
            limits.remove(r.key());
        }
    }

    private void noteUnit(UnitRecord u) {
        int n = UnitFacts.of(u).fleet().rescheduleOnFailure();
        if (n > 0) {
            limits.put(u.name(), n);
        }
    }

    /** Keeps the states of the units that matter; true if one of them changed (then a pass should look). */
    boolean onStates(WatchEvent<UnitState> event) {
        if (event instanceof WatchEvent.Snapshot<UnitState> s) {
            states.clear();
            s.items().forEach((key, state) -> {
                if (matters(state.unit())) {
                    states.put(key, state);
                }
            });
            return true;
        }
        if (event instanceof WatchEvent.Updated<UnitState> u) {
            if (!matters(u.value().unit())) {
                return false;
            }
            return !Objects.equals(states.put(u.key(), u.value()), u.value());
        }
        if (event instanceof WatchEvent.Removed<UnitState> r) {
            return states.remove(r.key()) != null;
        }
        return false;
    }

    private boolean matters(String unit) {
        return limits.containsKey(unit) || records.containsKey(unit);
    }

    /** Decides for every unit that asks for moves or has a record; the writes are the engine's to make. */
    Review review(Map<String, UnitRecord> units, Function<String, Collection<Assignment>> assignmentsOf, long nowMillis) {
        List<Action> writes = new ArrayList<>();
        long wake = Long.MAX_VALUE;
        Set<String> names = new TreeSet<>(limits.keySet());
        names.addAll(records.keySet());
        for (String name : names) {
            UnitRecord u = units.get(name);
            UnitFailure record = records.get(name);
            Outcome o;
            if (u == null) {
                o = FailurePolicy.gone(name, record);
            } else {
                String machine = machineOf(assignmentsOf.apply(name));
                UnitState state = machine == null ? null : states.get(machine + "/" + name);
                o = policy.decide(record, healthy.get(name), new FailurePolicy.Observed(name, u.hash(),
                        limits.getOrDefault(name, 0), u.desired() == DesiredState.LAUNCHED, machine, state), nowMillis);
            }
            if (o.healthy() == null) {
                healthy.remove(name);
            } else {
                healthy.put(name, o.healthy());
            }
            if (!(o.action() instanceof Action.None)) {
                writes.add(o.action());
            }
            wake = Math.min(wake, o.wakeAtMillis());
        }
        return new Review(writes, wake);
    }

    /** A write the registry accepted. */
    void applied(Action write) {
        if (write instanceof Action.Store s) {
            records.put(s.failure().unit(), s.failure());
        } else if (write instanceof Action.Clear c) {
            records.remove(c.unit());
            healthy.remove(c.unit());
        }
    }

    /** The machines each unit must be kept off now, for the scheduler (units without any are left out). */
    Map<String, Set<String>> avoid(Function<String, Collection<Assignment>> assignmentsOf, long nowMillis) {
        Map<String, Set<String>> avoid = new TreeMap<>();
        for (UnitFailure f : records.values()) {
            Set<String> machines = FailurePolicy.avoid(f, machineOf(assignmentsOf.apply(f.unit())), nowMillis);
            if (!machines.isEmpty()) {
                avoid.put(f.unit(), machines);
            }
        }
        return avoid;
    }

    private static String machineOf(Collection<Assignment> assignments) {
        return assignments.isEmpty() ? null : assignments.iterator().next().machineId();
    }
}
