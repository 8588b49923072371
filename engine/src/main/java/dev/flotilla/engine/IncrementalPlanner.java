package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Constraints;
import dev.flotilla.engine.scheduler.Decision;
import dev.flotilla.engine.scheduler.Decisions;
import dev.flotilla.engine.scheduler.IncrementalScheduler;
import dev.flotilla.engine.scheduler.MachineLoads;
import dev.flotilla.engine.scheduler.Scheduler;
import dev.flotilla.engine.scheduler.UnitView;
import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Plans as {@link Planner} does, but keeps the scheduler's state between passes, so that a pass over
 * a burst of new units, or over a machine that left, costs about the units it places, not the whole
 * cluster. After a pass from scratch ({@link #full}) whose writes were carried out ({@link #committed()}),
 * {@link #incremental} plans from the units touched and the machines gone since: new units, units
 * turned from inactive to loaded or launched, changes between loaded and launched (a rewrite of the
 * assignment), and machines whose registration went (their units move, nothing else does) take the
 * short way and decide exactly what {@link Planner#plan} would. Anything else asks for a pass from
 * scratch by returning null: a removed or changed text, a unit turned inactive, global or Replaces=
 * units touched, assignments the engine did not write, a touched unit that must avoid machines, a
 * machine gone while some unit has Replaces= (see {@link IncrementalScheduler#update}). Machines come
 * or changed are the caller's to notice (a pass from scratch). While {@link MoveHold} holds moves, a
 * machine gone that held units defers the plan as a full pass would, and keeps the state: the caller
 * asks again with the same changes once the hold ends. Not thread-safe.
 */
final class IncrementalPlanner {
    private final IncrementalScheduler scheduler = new IncrementalScheduler();
    private final Planner planner;
    private final FleetConstraints constraints;
    private final boolean incremental;
    /** The units as the scheduler's state has them. */
    private final Map<String, UnitRecord> planned = new HashMap<>();
    /** Waiting reasons of unparsable units (the planner's own, not the scheduler's), as of the last full pass. */
    private final Map<String, String> problems = new TreeMap<>();

    private final UnitFactsLookup facts;

    IncrementalPlanner() {
        this(UnitFactsLookup.FROM_TEXT);
    }

    IncrementalPlanner(UnitFactsLookup facts) {
        this.facts = facts;
        this.planner = new Planner(scheduler, facts);
        this.constraints = planner.constraints();
        this.incremental = true;
    }

    private IncrementalPlanner(Scheduler other, UnitFactsLookup facts) {
        this.facts = facts;
        this.planner = new Planner(other, facts);
        this.constraints = planner.constraints();
        this.incremental = false;
    }

    /** Plans every pass from scratch with another scheduler. */
    static IncrementalPlanner fullOnly(Scheduler scheduler) {
        return fullOnly(scheduler, UnitFactsLookup.FROM_TEXT);
    }

    static IncrementalPlanner fullOnly(Scheduler scheduler, UnitFactsLookup facts) {
        return new IncrementalPlanner(scheduler, facts);
    }

    /** A pass from scratch: {@link Planner#plan}; its state serves later incremental passes once committed. */
    Planner.Plan full(Map<String, Machine> machines, Map<String, UnitRecord> units, Iterable<Assignment> assignments,
                      Map<String, String> recordedWaiting, boolean holdAbsentMachines) {
        return full(machines, units, assignments, recordedWaiting, holdAbsentMachines, Map.of());
    }

    /** @param avoid machines a unit must be kept off (RescheduleOnFailure=); a change of it needs a full pass */
    Planner.Plan full(Map<String, Machine> machines, Map<String, UnitRecord> units, Iterable<Assignment> assignments,
                      Map<String, String> recordedWaiting, boolean holdAbsentMachines, Map<String, Set<String>> avoid) {
        Planner.Plan plan = planner.plan(machines, units, assignments, recordedWaiting, holdAbsentMachines, avoid);
        planned.clear();
        problems.clear();
        if (plan.deferred() != null) {
            scheduler.invalidate();
            return plan;
        }
        planned.putAll(units);
        for (UnitRecord u : units.values()) {
            UnitFacts f = facts.of(u);
            if (!f.readable() && u.desired() != DesiredState.INACTIVE) {
                problems.put(u.name(), FleetConstraints.invalid(f));
            }
        }
        return plan;
    }

    /** Whether {@link #incremental} may be tried: a pass was planned and carried out since the last full one. */
    boolean ready() {
        return incremental && scheduler.ready();
    }

    /**
     * The plan for the units touched since the last pass (their records or assignments changed), or
     * null if it needs a pass from scratch.
     *
     * @param assignmentsOf the assignments of one unit, on any machine
     */
    Planner.Plan incremental(Map<String, UnitRecord> units, Function<String, Collection<Assignment>> assignmentsOf,
                             Map<String, String> recordedWaiting, Set<String> touched) {
        return incremental(units, assignmentsOf, recordedWaiting, touched, Map.of());
    }

    /** As above; a touched unit that must avoid machines takes a full pass (they are few). */
    Planner.Plan incremental(Map<String, UnitRecord> units, Function<String, Collection<Assignment>> assignmentsOf,
                             Map<String, String> recordedWaiting, Set<String> touched, Map<String, Set<String>> avoid) {
        return incremental(units, assignmentsOf, recordedWaiting, touched, avoid, Set.of(), false);
    }

    /**
     * As above, with machines whose registration went since the last pass. A unit on one that must avoid
     * machines needs nothing more: what it avoids was part of the last full pass (a change of it takes
     * another).
     *
     * @param gone               machine ids removed from the view since the last pass
     * @param holdAbsentMachines as for {@link #full}: a machine gone that holds units defers the plan
     *                           ({@link Planner.Plan#deferred}), and the state stays for the same changes later
     */
    Planner.Plan incremental(Map<String, UnitRecord> units, Function<String, Collection<Assignment>> assignmentsOf,
                             Map<String, String> recordedWaiting, Set<String> touched, Map<String, Set<String>> avoid,
                             Set<String> gone, boolean holdAbsentMachines) {
        if (!ready()) {
            return null;
        }
        if (holdAbsentMachines && scheduler.holdsUnitsOn(gone)) {
            String held = gone.stream().filter(id -> scheduler.holdsUnitsOn(Set.of(id))).sorted().findFirst().orElseThrow();
            return new Planner.Plan(List.of(), 0, 0, 0, 0, "machine " + held + " holds units but is not registered",
                    MachineLoads.NONE);
        }
        if (!avoid.isEmpty() && touched.stream().anyMatch(avoid::containsKey)) {
            return giveUp();
        }
        List<UnitView> added = new ArrayList<>();
        List<AssignmentChange> rewrites = new ArrayList<>();
        for (String name : touched) {
            UnitRecord u = units.get(name);
            UnitRecord before = planned.get(name);
            Collection<Assignment> as = assignmentsOf.apply(name);
            if (as.size() > 1) {
                return giveUp();
            }
            Assignment a = as.isEmpty() ? null : as.iterator().next();
            if (!Objects.equals(a == null ? null : a.machineId(), scheduler.machineOf(name))) {
                return giveUp(); // an assignment the scheduler did not decide
            }
            if (u == null) {
                if (before != null || a != null) {
                    return giveUp(); // removed: what it leaves behind is for a full pass
                }
                continue; // created and deleted between two passes
            }
            UnitFacts known = facts.of(u);
            if (!known.readable()) {
                return giveUp();
            }
            Constraints parsed = constraints.of(known);
            if (before != null && !before.hash().equals(u.hash())) {
                return giveUp(); // a new text may bring new constraints
            }
            if (parsed.global() && (before == null || before.desired() != u.desired())) {
                return giveUp(); // a global unit weighs on every machine it matches
            }
            if (before != null && before.desired() != u.desired() && !known.demand().isNone()) {
                return giveUp(); // only a launched unit reserves its demand: room comes or goes
            }
            boolean wants = wantsMachine(u, parsed);
            if (before == null || !wantsMachine(before, parsed) && wants) {
                added.add(new UnitView(u.name(), Planner.desired(u.desired()), parsed, known.demand()));
            } else if (!wants && wantsMachine(before, parsed)) {
                return giveUp(); // it leaves its machine, and its MachineOf followers with it
            }
            planned.put(name, u);
            if (a != null && u.desired() != DesiredState.INACTIVE && (!a.hash().equals(u.hash()) || a.desired() != u.desired())) {
                rewrites.add(new AssignmentChange.Assign(new Assignment(a.machineId(), u.name(), u.hash(), u.desired())));
            }
        }
        added.sort(java.util.Comparator.comparing(UnitView::name));
        Optional<Decisions> decided = scheduler.update(gone, added);
        if (decided.isEmpty()) {
            return giveUp();
        }
        List<AssignmentChange> changes = new ArrayList<>();
        Set<String> moved = new java.util.HashSet<>();
        int assigns = 0;
        int unassigns = 0;
        for (Decision d : decided.get().decisions()) {
            UnitRecord u = units.get(d.unit());
            if (u == null) {
                return giveUp(); // a unit the view no longer has: a full pass will say what happened
            }
            moved.add(d.unit());
            if (d instanceof Decision.Unassign) {
                changes.add(new AssignmentChange.Unassign(d.machine(), d.unit()));
                unassigns++;
            } else {
                changes.add(new AssignmentChange.Assign(new Assignment(d.machine(), u.name(), u.hash(), u.desired())));
                assigns++;
            }
        }
        // A unit that moves is written where it goes; the rewrite of where it was is moot.
        rewrites.removeIf(c -> moved.contains(((AssignmentChange.Assign) c).assignment().unit()));
        changes.addAll(rewrites);
        Map<String, String> waiting = new TreeMap<>(decided.get().waiting());
        waiting.putAll(problems);
        int waitingChanges = Planner.waitingChanges(waiting, recordedWaiting, changes);
        return new Planner.Plan(List.copyOf(changes), assigns, unassigns, rewrites.size(), waitingChanges, null,
                decided.get().machines());
    }

    /** The last plan's writes were carried out. */
    void committed() {
        scheduler.commit();
    }

    /** The last plan's writes may not have been carried out: the next pass starts from scratch. */
    void invalidate() {
        scheduler.invalidate();
    }

    private Planner.Plan giveUp() {
        scheduler.invalidate();
        return null;
    }

    private static boolean wantsMachine(UnitRecord u, Constraints parsed) {
        return u.desired() != DesiredState.INACTIVE && !parsed.global();
    }
}
