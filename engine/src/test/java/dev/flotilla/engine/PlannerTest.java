package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Scheduler;
import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannerTest {
    private final Planner planner = new Planner(Scheduler.leastLoaded());
    private final Map<String, Machine> machines = new TreeMap<>();
    private final Map<String, UnitRecord> units = new HashMap<>();
    private final List<Assignment> assignments = new ArrayList<>();
    private final Map<String, String> waiting = new HashMap<>();

    static UnitRecord unit(String name, String xfleet, DesiredState desired) {
        String text = "[Service]\nExecStart=/bin/sleep infinity\n" + (xfleet.isEmpty() ? "" : "[X-Fleet]\n" + xfleet + "\n");
        return new UnitRecord(name, text, UnitFile.parse(name, text).hash(), desired);
    }

    @Test
    void theMachinesCapacityReachesTheSchedulerAndThePlanSaysWhatEachHolds() {
        machine("m1");
        machines.put("m1", machines.get("m1").withCapacity(new dev.flotilla.model.Resources(4000, 8L << 30)));
        machine("m2");
        for (int i = 1; i <= 3; i++) {
            add(unit("u" + i + ".service", "", DesiredState.LAUNCHED));
        }
        Planner.Plan plan = plan();
        assertEquals(new dev.flotilla.engine.scheduler.MachineLoad(2, 0, 0,
                new dev.flotilla.engine.scheduler.Capacity(4000, 8L << 30)), plan.machines().get("m1"));
        assertEquals(new dev.flotilla.engine.scheduler.MachineLoad(1, 0, 0,
                dev.flotilla.engine.scheduler.Capacity.UNKNOWN), plan.machines().get("m2"));
    }

    @Test
    void aGlobalsPinsAtItsRecordsHashAreKeptAndAnyOtherAssignmentOfItIsRemoved() {
        machine("m1");
        machine("m2");
        machine("m3");
        UnitRecord g = unit("g.service", "Global=true", DesiredState.LAUNCHED);
        add(g);
        UnitRecord was = unit("was-plain.service", "Global=true", DesiredState.LAUNCHED);
        add(was);
        assignments.add(new Assignment("m1", "g.service", g.hash()));
        assignments.add(new Assignment("m2", "g.service", g.hash()));
        assignments.add(new Assignment("m3", "g.service", "an-older-hash"));
        assignments.add(new Assignment("m1", "was-plain.service", "its-plain-text"));
        Planner.Plan plan = plan();
        assertEquals(List.of(new AssignmentChange.Unassign("m3", "g.service"), new AssignmentChange.Unassign("m1", "was-plain.service")),
                plan.changes(), "two pins at the record's hash stay (not duplicates); the others go");
        units.put("g.service", g.withDesired(DesiredState.INACTIVE));
        assertEquals(4, plan().unassigns(), "a global turned inactive loses its pins");
    }

    private void machine(String id, String... metadata) {
        Map<String, String> md = new TreeMap<>();
        for (String kv : metadata) {
            String[] p = kv.split("=", 2);
            md.put(p[0], p[1]);
        }
        machines.put(id, new Machine(id, "127.0.0.1", md, "t"));
    }

    private void add(UnitRecord u) {
        units.put(u.name(), u);
    }

    private Planner.Plan plan() {
        return planner.plan(machines, units, assignments, waiting, false);
    }

    /** Carries the plan out on the test's state, as the registry would. */
    private void apply(Planner.Plan plan) {
        for (AssignmentChange c : plan.changes()) {
            if (c instanceof AssignmentChange.Assign a) {
                assignments.removeIf(x -> x.machineId().equals(a.assignment().machineId()) && x.unit().equals(a.assignment().unit()));
                assignments.add(a.assignment());
            } else if (c instanceof AssignmentChange.Unassign u) {
                assignments.removeIf(x -> x.machineId().equals(u.machineId()) && x.unit().equals(u.unit()));
            } else if (c instanceof AssignmentChange.Waiting w) {
                waiting.put(w.unit(), w.reason());
            } else if (c instanceof AssignmentChange.NotWaiting n) {
                waiting.remove(n.unit());
            }
        }
    }

    @Test
    void aLaunchedUnitIsAssignedWithItsHashAndDesiredStateToTheLeastLoadedMachine() {
        machine("m1");
        machine("m2");
        assignments.add(new Assignment("m1", "old.service", unit("old.service", "", DesiredState.LAUNCHED).hash()));
        add(unit("old.service", "", DesiredState.LAUNCHED));
        UnitRecord web = unit("web.service", "", DesiredState.LOADED);
        add(web);
        Planner.Plan plan = plan();
        assertEquals(List.of(new AssignmentChange.Assign(new Assignment("m2", "web.service", web.hash(), DesiredState.LOADED))),
                plan.changes());
    }

    @Test
    void aKeptUnitWhoseTextOrDesiredStateChangedIsRewrittenInPlace() {
        machine("m1");
        machine("m2");
        UnitRecord before = unit("web.service", "", DesiredState.LAUNCHED);
        add(before);
        apply(plan());
        String where = assignments.get(0).machineId();

        add(before.withDesired(DesiredState.LOADED));
        assertEquals(List.of(new AssignmentChange.Assign(new Assignment(where, "web.service", before.hash(), DesiredState.LOADED))),
                plan().changes());

        UnitRecord changed = unit("web.service", "Conflicts=nothing*", DesiredState.LAUNCHED);
        add(changed);
        assertEquals(List.of(new AssignmentChange.Assign(new Assignment(where, "web.service", changed.hash(), DesiredState.LAUNCHED))),
                plan().changes());
    }

    @Test
    void aPlanCarriedOutLeavesNothingToDo() {
        for (int m = 1; m <= 4; m++) {
            machine("m" + m, "az=" + (m % 2 == 0 ? "a" : "b"));
        }
        for (int i = 0; i < 30; i++) {
            String xfleet = switch (i % 5) {
                case 0 -> "Conflicts=c*";
                case 1 -> "MachineMetadata=az=a";
                case 2 -> "MachineOf=u" + (i - 1) + ".service";
                case 3 -> "Global=true";
                default -> "";
            };
            String name = (i % 5 == 0 ? "c" : "u") + i + ".service";
            add(unit(name, xfleet, i % 7 == 0 ? DesiredState.INACTIVE : DesiredState.LAUNCHED));
        }
        Planner.Plan first = plan();
        assertTrue(first.assigns() > 10);
        apply(first);
        assertEquals(List.of(), plan().changes(), "an idle cluster writes nothing");

        machines.remove("m2");
        Planner.Plan afterLoss = plan();
        int firstAssign = indexOfFirst(afterLoss.changes(), AssignmentChange.Assign.class);
        int lastUnassign = lastIndexOf(afterLoss.changes(), AssignmentChange.Unassign.class);
        assertTrue(lastUnassign < firstAssign, "every unassign is written before any assign");
        apply(afterLoss);
        assertTrue(assignments.stream().noneMatch(a -> a.machineId().equals("m2")));
        assertEquals(List.of(), plan().changes());
    }

    @Test
    void aSecondAssignmentOfOneUnitIsRemovedKeepingTheLiveCopy() {
        machine("m2");
        UnitRecord web = unit("web.service", "", DesiredState.LAUNCHED);
        add(web);
        assignments.add(new Assignment("m1", "web.service", web.hash()));
        assignments.add(new Assignment("m2", "web.service", web.hash()));
        assertEquals(List.of(new AssignmentChange.Unassign("m1", "web.service")), plan().changes());
    }

    @Test
    void whyAUnitWaitsIsRecordedOnceAndClearedWhenItIsPlaced() {
        machine("m1", "az=a");
        add(unit("db.service", "MachineMetadata=az=b", DesiredState.LAUNCHED));
        Planner.Plan plan = plan();
        assertEquals(1, plan.changes().size());
        AssignmentChange.Waiting w = assertInstanceOf(AssignmentChange.Waiting.class, plan.changes().get(0));
        assertTrue(w.reason().contains("az"), w.reason());
        apply(plan);
        assertEquals(List.of(), plan().changes(), "an unchanged reason is not written again");

        machine("m2", "az=b");
        assertEquals(List.of(
                new AssignmentChange.Assign(new Assignment("m2", "db.service", units.get("db.service").hash())),
                new AssignmentChange.NotWaiting("db.service")), plan().changes());
    }

    @Test
    void anUnparsableUnitWaitsWithTheParserReasonAndLosesItsMachine() {
        machine("m1");
        units.put("bad.service", new UnitRecord("bad.service", "[Service\nExecStart=/bin/true\n", "h", DesiredState.LAUNCHED));
        assignments.add(new Assignment("m1", "bad.service", "h"));
        Planner.Plan plan = plan();
        assertEquals(new AssignmentChange.Unassign("m1", "bad.service"), plan.changes().get(0));
        AssignmentChange.Waiting w = assertInstanceOf(AssignmentChange.Waiting.class, plan.changes().get(1));
        assertTrue(w.reason().startsWith("its unit file is invalid"), w.reason());
    }

    @Test
    void aNewLeaderHoldsUnitsOfMachinesThatHaveNotRegisteredYet() {
        machine("m1");
        UnitRecord web = unit("web.service", "", DesiredState.LAUNCHED);
        add(web);
        assignments.add(new Assignment("m9", "web.service", web.hash()));
        Planner.Plan held = planner.plan(machines, units, assignments, waiting, true);
        assertNotNull(held.deferred());
        assertEquals(List.of(), held.changes());
        Planner.Plan moved = planner.plan(machines, units, assignments, waiting, false);
        assertEquals(List.of(new AssignmentChange.Unassign("m9", "web.service"),
                new AssignmentChange.Assign(new Assignment("m1", "web.service", web.hash()))), moved.changes());
    }

    private static int indexOfFirst(List<AssignmentChange> changes, Class<?> type) {
        for (int i = 0; i < changes.size(); i++) {
            if (type.isInstance(changes.get(i))) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static int lastIndexOf(List<AssignmentChange> changes, Class<?> type) {
        for (int i = changes.size() - 1; i >= 0; i--) {
            if (type.isInstance(changes.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
