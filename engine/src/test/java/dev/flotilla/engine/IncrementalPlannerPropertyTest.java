package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Scheduler;
import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFileException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An incremental pass must decide exactly what a pass from scratch over the same cluster decides.
 * Random small clusters (every constraint, globals, waiting units, MachineOf peers that arrive after
 * their followers, memory demands and capacities) go through rounds of changes, machines leaving among
 * them; after each round both planners plan, the plans must be equal, and the incremental one is
 * carried out (its writes then come back as watch echoes). While moves are held, an incremental pass
 * defers exactly when a full one would.
 */
class IncrementalPlannerPropertyTest {

    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f", "g", "h", "web", "web1", "web2",
            "db", "db1", "side", "side1", "solo1", "solo2", "solo3");
    private static final List<String> PATTERNS = List.of("solo*", "web?.service", "db*", "[!s]*", "side1.service");

    /** The cluster as etcd would hold it. */
    private static final class World {
        final Map<String, Machine> machines = new TreeMap<>();
        final Map<String, UnitRecord> units = new HashMap<>();
        final Map<String, Assignment> assignments = new LinkedHashMap<>(); // "machine/unit"
        final Map<String, String> waiting = new HashMap<>();

        Collection<Assignment> assignmentsOf(String unit) {
            List<Assignment> out = new ArrayList<>();
            for (Assignment a : assignments.values()) {
                if (a.unit().equals(unit)) {
                    out.add(a);
                }
            }
            return out;
        }

        /** Carries the plan out; returns the units whose assignments changed (the watch's echoes). */
        Set<String> apply(Planner.Plan plan) {
            Set<String> echoed = new HashSet<>();
            for (AssignmentChange c : plan.changes()) {
                if (c instanceof AssignmentChange.Assign a) {
                    assignments.put(a.assignment().machineId() + "/" + a.assignment().unit(), a.assignment());
                    echoed.add(a.assignment().unit());
                } else if (c instanceof AssignmentChange.Unassign u) {
                    assignments.remove(u.machineId() + "/" + u.unit());
                    echoed.add(u.unit());
                } else if (c instanceof AssignmentChange.Waiting w) {
                    waiting.put(w.unit(), w.reason());
                } else if (c instanceof AssignmentChange.NotWaiting n) {
                    waiting.remove(n.unit());
                }
            }
            return echoed;
        }

        Planner.Plan planFromScratch() {
            return planFromScratch(false);
        }

        Planner.Plan planFromScratch(boolean holdAbsentMachines) {
            return new Planner(Scheduler.leastLoaded()).plan(machines, units, assignments.values(), waiting, holdAbsentMachines);
        }
    }

    @Property(tries = 300)
    void anIncrementalPassDecidesWhatAFullPassDecides(@ForAll long seed) {
        Random r = new Random(seed);
        World w = new World();
        int machineCount = 1 + r.nextInt(5);
        for (int i = 0; i < machineCount; i++) {
            addMachine(w, r, i);
        }
        for (int i = 0, n = r.nextInt(8); i < n; i++) {
            addUnit(w, r);
        }
        IncrementalPlanner inc = new IncrementalPlanner();
        Planner.Plan first = inc.full(w.machines, w.units, w.assignments.values(), w.waiting, false);
        assertSamePlan(w.planFromScratch(), first);
        Set<String> touched = new HashSet<>(w.apply(first));
        inc.committed();
        boolean reshaped = false;
        for (int round = 0; round < 6; round++) {
            Set<String> gone = new HashSet<>();
            for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                int what = r.nextInt(22);
                if (what < 11) {
                    String name = addUnit(w, r);
                    if (name != null) {
                        touched.add(name);
                    }
                } else if (what < 17 && !w.units.isEmpty()) {
                    UnitRecord u = any(r, w.units.values());
                    w.units.put(u.name(), u.withDesired(DesiredState.values()[r.nextInt(3)]));
                    touched.add(u.name());
                } else if (what < 18 && !w.units.isEmpty()) {
                    String name = any(r, w.units.keySet());
                    w.units.remove(name);
                    touched.add(name);
                } else if (what < 19) {
                    addMachine(w, r, 10 + round * 10 + k);
                    reshaped = true;
                } else if (!w.machines.isEmpty()) {
                    String id = any(r, w.machines.keySet());
                    w.machines.remove(id);
                    gone.add(id); // its units move; the rest stays
                }
            }
            Planner.Plan plan = null;
            if (!reshaped && inc.ready() && r.nextInt(3) == 0) {
                // moves held (MoveHold): a machine gone with units defers the plan, as a full pass would
                plan = inc.incremental(w.units, w::assignmentsOf, w.waiting, touched, Map.of(), gone, true);
                if (plan != null) {
                    assertEquals(w.planFromScratch(true).deferred() != null, plan.deferred() != null,
                            () -> "held: " + w.planFromScratch(true).deferred());
                    if (plan.deferred() != null) {
                        assertTrue(inc.ready(), "a held plan keeps the state");
                        plan = null;
                    }
                }
            }
            if (plan == null && !reshaped && inc.ready()) {
                plan = inc.incremental(w.units, w::assignmentsOf, w.waiting, touched, Map.of(), gone, false);
            }
            Statistics.label("pass").collect(plan == null ? "full" : "incremental");
            if (!gone.isEmpty()) {
                Statistics.label("machines gone").collect(plan == null ? "full" : "incremental");
            }
            if (plan == null) {
                plan = inc.full(w.machines, w.units, w.assignments.values(), w.waiting, false);
            }
            assertSamePlan(w.planFromScratch(), plan);
            touched = new HashSet<>(w.apply(plan));
            inc.committed();
            reshaped = false;
        }
        // Most rounds must take the short way, or this would only compare full passes with each other.
        Statistics.label("pass").coverage(check -> check.check("incremental").percentage(p -> p > 40));
        Statistics.label("machines gone").coverage(check -> check.check("incremental").percentage(p -> p > 25));
    }

    @Test
    void aBurstOfNewUnitsIsPlannedIncrementallyAndOnTheLeastLoadedMachines() {
        World w = new World();
        Random r = new Random(1);
        for (int i = 0; i < 3; i++) {
            addMachine(w, r, i);
        }
        IncrementalPlanner inc = new IncrementalPlanner();
        w.apply(inc.full(w.machines, w.units, w.assignments.values(), w.waiting, false));
        inc.committed();
        Set<String> touched = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            UnitRecord u = PlannerTest.unit("n" + i + ".service", "", DesiredState.LAUNCHED);
            w.units.put(u.name(), u);
            touched.add(u.name());
        }
        Planner.Plan plan = inc.incremental(w.units, w::assignmentsOf, w.waiting, touched);
        assertNotNull(plan, "only new units: no pass from scratch");
        assertEquals(6, plan.assigns());
        assertSamePlan(w.planFromScratch(), plan);
        w.apply(plan);
        inc.committed();
        Map<String, Integer> perMachine = new HashMap<>();
        w.assignments.values().forEach(a -> perMachine.merge(a.machineId(), 1, Integer::sum));
        assertEquals(Map.of("m0", 2, "m1", 2, "m2", 2), perMachine);
    }

    @Test
    void aMachineLeavingMovesItsUnitsOnlyWithoutAPassFromScratch() {
        World w = new World();
        Random r = new Random(1);
        for (int i = 0; i < 3; i++) {
            w.machines.put("m" + i, new Machine("m" + i, "127.0.0.1", Map.of(), "t"));
        }
        for (int i = 0; i < 9; i++) {
            UnitRecord u = PlannerTest.unit("u" + i + ".service", "", DesiredState.LAUNCHED);
            w.units.put(u.name(), u);
        }
        IncrementalPlanner inc = new IncrementalPlanner();
        w.apply(inc.full(w.machines, w.units, w.assignments.values(), w.waiting, false));
        inc.committed();
        Set<String> onM1 = new HashSet<>();
        w.assignments.values().stream().filter(a -> a.machineId().equals("m1")).forEach(a -> onM1.add(a.unit()));
        assertEquals(3, onM1.size());
        w.machines.remove("m1");

        Planner.Plan held = inc.incremental(w.units, w::assignmentsOf, w.waiting, Set.of(), Map.of(), Set.of("m1"), true);
        assertEquals("machine m1 holds units but is not registered", held.deferred());
        assertTrue(inc.ready(), "a held plan keeps the state");

        Planner.Plan plan = inc.incremental(w.units, w::assignmentsOf, w.waiting, Set.of(), Map.of(), Set.of("m1"), false);
        assertNotNull(plan, "a machine gone: no pass from scratch");
        assertSamePlan(w.planFromScratch(), plan);
        assertEquals(3, plan.unassigns());
        assertEquals(3, plan.assigns());
        Set<String> moved = new HashSet<>();
        for (AssignmentChange c : plan.changes()) {
            if (c instanceof AssignmentChange.Unassign u) {
                assertEquals("m1", u.machineId());
                moved.add(u.unit());
            } else if (c instanceof AssignmentChange.Assign a) {
                assertTrue(onM1.contains(a.assignment().unit()), () -> a + " was not on m1");
            }
        }
        assertEquals(onM1, moved);
    }

    @Test
    void aRemovedUnitNeedsAPassFromScratch() {
        World w = new World();
        addMachine(w, new Random(1), 0);
        UnitRecord u = PlannerTest.unit("x.service", "", DesiredState.LAUNCHED);
        w.units.put(u.name(), u);
        IncrementalPlanner inc = new IncrementalPlanner();
        w.apply(inc.full(w.machines, w.units, w.assignments.values(), w.waiting, false));
        inc.committed();
        w.units.remove(u.name());
        assertEquals(null, inc.incremental(w.units, w::assignmentsOf, w.waiting, Set.of(u.name())));
        assertTrue(!inc.ready(), "the state is forgotten until the next full pass");
    }

    private static void addMachine(World w, Random r, int i) {
        String id = "m" + i;
        Map<String, String> md = new TreeMap<>();
        md.put("az", r.nextBoolean() ? "a" : "b");
        if (r.nextBoolean()) {
            md.put("disk", "ssd");
        }
        Machine m = new Machine(id, "127.0.0.1", md, "t");
        w.machines.put(id, r.nextBoolean() ? m : m.withCapacity(new dev.flotilla.model.Resources(0, (2L + r.nextInt(4)) << 30)));
    }

    /** A unit of a random name not taken yet and random [X-Fleet] rules; null if none was made. */
    private static String addUnit(World w, Random r) {
        String name = NAMES.get(r.nextInt(NAMES.size())) + ".service";
        if (w.units.containsKey(name)) {
            return null;
        }
        StringBuilder x = new StringBuilder();
        switch (r.nextInt(9)) {
            case 0, 1 -> { }
            case 2 -> x.append("MachineMetadata=az=").append(r.nextBoolean() ? "a" : "b").append('\n');
            case 3 -> x.append("MachineMetadata=disk=ssd\nMachineMetadata=az!=b\n");
            case 4 -> x.append("MachineOf=").append(NAMES.get(r.nextInt(NAMES.size()))).append(".service\n");
            case 5 -> x.append("Conflicts=").append(PATTERNS.get(r.nextInt(PATTERNS.size()))).append('\n');
            case 6 -> x.append("MachineID=m").append(r.nextInt(6)).append('\n');
            case 7 -> x.append(r.nextInt(4) == 0 ? "Global=true\n" : "Replaces=" + PATTERNS.get(r.nextInt(PATTERNS.size())) + "\n");
            default -> x.append("MachineOf=").append(NAMES.get(r.nextInt(NAMES.size()))).append(".service\nConflicts=")
                    .append(PATTERNS.get(r.nextInt(PATTERNS.size()))).append('\n');
        }
        if (r.nextInt(3) == 0) {
            // a demand: only a launched unit reserves it, so a change of its desired state moves room
            x.append("MemoryRequest=").append(1 + r.nextInt(3)).append("G\n");
        }
        DesiredState desired = r.nextInt(5) == 0 ? DesiredState.INACTIVE : r.nextInt(4) == 0 ? DesiredState.LOADED : DesiredState.LAUNCHED;
        try {
            w.units.put(name, PlannerTest.unit(name, x.toString(), desired));
        } catch (UnitFileException | IllegalArgumentException e) {
            return null; // a combination the parser refuses (e.g. MachineOf itself)
        }
        return name;
    }

    private static <T> T any(Random r, Collection<T> from) {
        List<T> sorted = new ArrayList<>(from);
        sorted.sort((a, b) -> a.toString().compareTo(b.toString()));
        return sorted.get(r.nextInt(sorted.size()));
    }

    /** Same writes; rewrites of the full planner come in hash order, so each kind is compared as a set. */
    private static void assertSamePlan(Planner.Plan expected, Planner.Plan actual) {
        assertEquals(expected.changes().size(), actual.changes().size(), () -> expected.changes() + "\nvs\n" + actual.changes());
        assertEquals(new HashSet<>(expected.changes()), new HashSet<>(actual.changes()),
                () -> expected.changes() + "\nvs\n" + actual.changes());
        assertEquals(unassignsFirst(expected), unassignsFirst(actual));
    }

    private static boolean unassignsFirst(Planner.Plan plan) {
        boolean assignSeen = false;
        for (AssignmentChange c : plan.changes()) {
            if (c instanceof AssignmentChange.Assign) {
                assignSeen = true;
            } else if (c instanceof AssignmentChange.Unassign && assignSeen) {
                return false;
            }
        }
        return true;
    }
}
