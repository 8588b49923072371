package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Scheduler;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.AssignmentChange;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One reconcile pass that writes nothing, for {@code flotctl plan}: the same {@link Planner} the
 * leader runs (the same adaptation of unit texts, the same scheduler, the same waiting reasons),
 * over a cluster state given by the caller. Pure: nothing is read or written here.
 */
public final class PassPreview {
    private PassPreview() {
    }

    /**
     * @param machineOf unit to the machine it would be assigned to after the pass (non-global units only)
     * @param waiting   unit to why it would wait
     */
    public record Outcome(Map<String, String> machineOf, SortedMap<String, String> waiting) {
        public Outcome {
            machineOf = Map.copyOf(machineOf);
            waiting = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(waiting));
        }
    }

    /** What a full pass of the leader would leave, were this the cluster (moves not held for absent machines). */
    public static Outcome pass(Collection<Machine> machines, Collection<UnitRecord> units, Collection<Assignment> assignments) {
        Map<String, Machine> machineMap = new LinkedHashMap<>();
        machines.forEach(m -> machineMap.put(m.id(), m));
        Map<String, UnitRecord> unitMap = new HashMap<>();
        units.forEach(u -> unitMap.put(u.name(), u));
        Planner.Plan plan = new Planner(Scheduler.leastLoaded()).plan(machineMap, unitMap, assignments, Map.of(), false);

        // unit -> machines it is assigned to, after the plan's changes
        Map<String, TreeSet<String>> after = new HashMap<>();
        for (Assignment a : assignments) {
            after.computeIfAbsent(a.unit(), u -> new TreeSet<>()).add(a.machineId());
        }
        SortedMap<String, String> waiting = new TreeMap<>();
        for (AssignmentChange c : plan.changes()) {
            if (c instanceof AssignmentChange.Unassign u) {
                TreeSet<String> on = after.get(u.unit());
                if (on != null) {
                    on.remove(u.machineId());
                }
            } else if (c instanceof AssignmentChange.Assign a) {
                after.computeIfAbsent(a.assignment().unit(), u -> new TreeSet<>()).add(a.assignment().machineId());
            } else if (c instanceof AssignmentChange.Waiting w) {
                waiting.put(w.unit(), w.reason());
            }
        }
        Map<String, String> machineOf = new HashMap<>();
        after.forEach((unit, on) -> {
            if (!on.isEmpty() && unitMap.containsKey(unit)) {
                machineOf.put(unit, on.first());
            }
        });
        return new Outcome(machineOf, waiting);
    }
}
