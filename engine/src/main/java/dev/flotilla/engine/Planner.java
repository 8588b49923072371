package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Capacity;
import dev.flotilla.engine.scheduler.ClusterSnapshot;
import dev.flotilla.engine.scheduler.Constraints;
import dev.flotilla.engine.scheduler.Decision;
import dev.flotilla.engine.scheduler.Decisions;
import dev.flotilla.engine.scheduler.MachineLoads;
import dev.flotilla.engine.scheduler.MachineView;
import dev.flotilla.engine.scheduler.Scheduler;
import dev.flotilla.engine.scheduler.UnitView;
import dev.flotilla.engine.scheduler.WantedState;
import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.Resources;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One reconcile pass as a pure function: the engine's view of the cluster in, the registry writes
 * that make the assignments match it out. Besides the scheduler's placements it rewrites an
 * assignment whose unit changed text or desired state, removes duplicate assignments, and keeps
 * the recorded waiting reasons equal to the scheduler's.
 */
final class Planner {
    private final Scheduler scheduler;
    private final UnitFactsLookup facts;
    private final FleetConstraints constraints = new FleetConstraints();

    Planner(Scheduler scheduler) {
        this(scheduler, UnitFactsLookup.FROM_TEXT);
    }

    Planner(Scheduler scheduler, UnitFactsLookup facts) {
        this.scheduler = scheduler;
        this.facts = facts;
    }

    /**
     * @param changes   in the order they must be written: every unassign before any assign
     * @param deferred  why nothing was planned yet (null if planned)
     */
    record Plan(List<AssignmentChange> changes, int assigns, int unassigns, int rewrites, int waiting,
                String deferred, MachineLoads machines) {
        boolean isEmpty() {
            return changes.isEmpty();
        }
    }

    /**
     * @param holdAbsentMachines true while {@link MoveHold} holds moves: machines that hold
     *                           assignments but are not (yet) registered get a chance to come
     *                           back, so nothing is planned if such a machine exists
     */
    Plan plan(Map<String, Machine> machines, Map<String, UnitRecord> units, Iterable<Assignment> assignments,
              Map<String, String> recordedWaiting, boolean holdAbsentMachines) {
        return plan(machines, units, assignments, recordedWaiting, holdAbsentMachines, Map.of());
    }

    /** @param avoid machines a unit must be kept off ({@link FailureWatch#avoid}: RescheduleOnFailure=) */
    Plan plan(Map<String, Machine> machines, Map<String, UnitRecord> units, Iterable<Assignment> assignments,
              Map<String, String> recordedWaiting, boolean holdAbsentMachines, Map<String, Set<String>> avoid) {
        constraints.retainOnly(units);
        List<AssignmentChange> unassign = new ArrayList<>();
        List<AssignmentChange> assign = new ArrayList<>();
        List<AssignmentChange> rewrite = new ArrayList<>();

        // One assignment per unit: a second one (e.g. written by an engine that crashed between
        // transactions) is dropped, keeping the copy on a live machine.
        Map<String, Assignment> current = new HashMap<>();
        for (Assignment a : assignments) {
            UnitRecord unit = units.get(a.unit());
            if (unit != null && facts.of(unit).global()) {
                pin(a, unit, unassign, rewrite);
                continue;
            }
            Assignment other = current.get(a.unit());
            if (other == null) {
                current.put(a.unit(), a);
                continue;
            }
            Assignment keep = prefer(other, a, machines);
            Assignment drop = keep == a ? other : a;
            current.put(a.unit(), keep);
            unassign.add(new AssignmentChange.Unassign(drop.machineId(), drop.unit()));
        }
        if (holdAbsentMachines) {
            for (Assignment a : current.values()) {
                if (!machines.containsKey(a.machineId())) {
                    return new Plan(List.of(), 0, 0, 0, 0, "machine " + a.machineId() + " holds units but is not registered",
                            MachineLoads.NONE);
                }
            }
        }

        List<MachineView> machineViews = new ArrayList<>(machines.size());
        for (Machine m : machines.values()) {
            machineViews.add(view(m));
        }
        List<UnitView> unitViews = new ArrayList<>(units.size());
        Map<String, String> waiting = new TreeMap<>();
        Map<String, String> scheduled = new HashMap<>(current.size());
        for (UnitRecord u : units.values()) {
            UnitFacts known = facts.of(u);
            if (!known.readable()) {
                if (u.desired() != DesiredState.INACTIVE) {
                    waiting.put(u.name(), FleetConstraints.invalid(known));
                }
                continue; // not scheduled: an assignment it has is removed below
            }
            Constraints c = constraints.of(known);
            Set<String> kept = avoid.get(u.name());
            unitViews.add(new UnitView(u.name(), desired(u.desired()), kept == null ? c : c.withAvoid(kept), known.demand()));
        }
        for (Assignment a : current.values()) {
            UnitRecord u = units.get(a.unit());
            if (u != null && !facts.of(u).readable()) {
                unassign.add(new AssignmentChange.Unassign(a.machineId(), a.unit()));
            } else {
                scheduled.put(a.unit(), a.machineId());
            }
        }

        Decisions decisions = scheduler.schedule(new ClusterSnapshot(machineViews, unitViews, scheduled));
        Set<String> decided = new HashSet<>();
        for (Decision d : decisions.decisions()) {
            decided.add(d.unit());
            if (d instanceof Decision.Unassign) {
                unassign.add(new AssignmentChange.Unassign(d.machine(), d.unit()));
            } else {
                UnitRecord u = units.get(d.unit());
                assign.add(new AssignmentChange.Assign(new Assignment(d.machine(), u.name(), u.hash(), u.desired())));
            }
        }
        for (Map.Entry<String, String> kept : scheduled.entrySet()) {
            UnitRecord u = units.get(kept.getKey());
            if (u == null || decided.contains(u.name()) || u.desired() == DesiredState.INACTIVE) {
                continue;
            }
            Assignment a = current.get(u.name());
            if (!a.hash().equals(u.hash()) || a.desired() != u.desired()) {
                rewrite.add(new AssignmentChange.Assign(new Assignment(a.machineId(), u.name(), u.hash(), u.desired())));
            }
        }
        waiting.putAll(decisions.waiting());

        List<AssignmentChange> changes = new ArrayList<>(unassign.size() + assign.size() + rewrite.size());
        changes.addAll(unassign);
        changes.addAll(assign);
        changes.addAll(rewrite);
        int waitingChanges = waitingChanges(waiting, recordedWaiting, changes);
        return new Plan(List.copyOf(changes), assign.size(), unassign.size(), rewrite.size(), waitingChanges, null,
                decisions.machines());
    }

    /**
     * Adds the writes that make the recorded waiting reasons equal to {@code waiting} (by unit name:
     * reasons set, then reasons dropped); returns how many.
     */
    static int waitingChanges(Map<String, String> waiting, Map<String, String> recordedWaiting, List<AssignmentChange> changes) {
        int n = 0;
        Map<String, String> sorted = waiting instanceof java.util.SortedMap ? waiting : new TreeMap<>(waiting);
        for (Map.Entry<String, String> w : sorted.entrySet()) {
            if (!w.getValue().equals(recordedWaiting.get(w.getKey()))) {
                changes.add(new AssignmentChange.Waiting(w.getKey(), w.getValue()));
                n++;
            }
        }
        for (String unit : new TreeMap<>(recordedWaiting).keySet()) {
            if (!waiting.containsKey(unit)) {
                changes.add(new AssignmentChange.NotWaiting(unit));
                n++;
            }
        }
        return n;
    }

    /** The converted constraints, shared with the incremental planner so each unit's are built once. */
    FleetConstraints constraints() {
        return constraints;
    }

    /**
     * A global unit's assignment is a rollout's pin ({@link RolloutMachine}): it holds one machine on
     * the unit record's text while the globals index (which the other agents follow) keeps the old
     * one. Kept while it is at the record's hash (the driver writes the record before its pins and
     * deletes them itself); any other (a unit since turned global, a text replaced since) is removed.
     */
    private static void pin(Assignment a, UnitRecord unit, List<AssignmentChange> unassign, List<AssignmentChange> rewrite) {
        if (unit.desired() == DesiredState.INACTIVE || !a.hash().equals(unit.hash())) {
            unassign.add(new AssignmentChange.Unassign(a.machineId(), a.unit()));
        } else if (a.desired() != unit.desired()) {
            rewrite.add(new AssignmentChange.Assign(new Assignment(a.machineId(), a.unit(), a.hash(), unit.desired())));
        }
    }

    /** Of two assignments of one unit: the one on a live machine, else the lower machine id. */
    private static Assignment prefer(Assignment a, Assignment b, Map<String, Machine> machines) {
        boolean aLive = machines.containsKey(a.machineId());
        boolean bLive = machines.containsKey(b.machineId());
        if (aLive != bLive) {
            return aLive ? a : b;
        }
        return a.machineId().compareTo(b.machineId()) <= 0 ? a : b;
    }

    /** A machine as the scheduler sees it: its capacity in the scheduler's own form. */
    static MachineView view(Machine m) {
        Resources c = m.capacity();
        return new MachineView(m.id(), m.metadata(), new Capacity(c.cpuMillis(), c.memoryBytes()));
    }

    static WantedState desired(DesiredState state) {
        return WantedState.valueOf(state.name());
    }
}
