package dev.flotilla.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * With capacities and demands, a pass that only adds units ({@link IncrementalScheduler#add}), or
 * also loses machines ({@link IncrementalScheduler#update}), decides what a pass from scratch over the
 * changed cluster decides: the same decisions, the same waiting reasons (figures included), the same
 * loads per machine.
 */
class IncrementalSchedulerPropertyTest {

    @Property(tries = 300)
    void addingUnitsDecidesWhatAPassFromScratchDecides(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder c = SchedulerPropertyTest.withDemands(r,
                SchedulerPropertyTest.withCapacities(r, SchedulerPropertyTest.randomCluster(r, false)));
        IncrementalScheduler inc = new IncrementalScheduler();
        carryOut(c, inc.schedule(c.snapshot()));
        inc.commit();
        for (int round = 0; round < 5; round++) {
            List<UnitView> added = new ArrayList<>();
            for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                UnitView u = newUnit(r, c, "n" + round + "-" + k + ".service");
                c.units.add(u);
                added.add(u);
            }
            Optional<Decisions> d = inc.add(added);
            Statistics.label("pass").collect(d.isPresent() ? "incremental" : "full");
            Decisions fromScratch = Scheduler.leastLoaded().schedule(c.snapshot());
            Decisions decided = d.orElseGet(() -> inc.schedule(c.snapshot()));
            assertEquals(fromScratch, decided);
            carryOut(c, decided);
            inc.commit();
        }
        Statistics.label("pass").coverage(check -> check.check("incremental").percentage(p -> p > 50));
    }

    /**
     * Random clusters (Conflicts=, MachineOf=, MachineMetadata=, MachineID= prefixes, global units,
     * demands and capacities, units left waiting, Replaces= in half of them) lose machines, one or two
     * at a time, while units are added; the machines' units move and nothing else does.
     */
    @Property(tries = 400)
    void losingMachinesDecidesWhatAPassFromScratchDecides(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder c = SchedulerPropertyTest.randomCluster(r, r.nextBoolean());
        for (int i = 0, n = r.nextInt(4); i < n; i++) { // a few more machines, so that some can go
            c.machine(String.format("%08x%024x", r.nextInt(3), 100 + i), r.nextBoolean() ? "region=a" : "region=b");
        }
        SchedulerPropertyTest.withDemands(r, SchedulerPropertyTest.withCapacities(r, c));
        IncrementalScheduler inc = new IncrementalScheduler();
        carryOut(c, inc.schedule(c.snapshot()));
        inc.commit();
        for (int round = 0; round < 5; round++) {
            Set<String> gone = new HashSet<>();
            for (int k = 0, n = r.nextInt(3); k < n && !c.machines.isEmpty(); k++) {
                String id = c.machines.get(r.nextInt(c.machines.size())).id();
                c.without(id);
                gone.add(id);
            }
            if (r.nextInt(4) == 0) {
                gone.add("never-there");
            }
            List<UnitView> added = new ArrayList<>();
            for (int k = 0, n = r.nextInt(3); k < n; k++) {
                UnitView u = newUnit(r, c, "n" + round + "-" + k + ".service");
                c.units.add(u);
                added.add(u);
            }
            Map<String, String> before = new HashMap<>(c.assignments);
            Optional<Decisions> d = inc.update(gone, added);
            Statistics.label("pass").collect(d.isPresent() ? "incremental" : "full");
            Decisions fromScratch = Scheduler.leastLoaded().schedule(c.snapshot());
            Decisions decided = d.orElseGet(() -> inc.schedule(c.snapshot()));
            assertEquals(fromScratch, decided);
            if (d.isPresent()) {
                for (Decision x : decided.decisions()) {
                    if (x instanceof Decision.Unassign u) {
                        assertEquals(Decision.Reason.MACHINE_GONE, u.reason());
                        assertTrue(gone.contains(before.get(u.unit())), () -> u + " was not on a machine that left");
                    }
                }
            }
            carryOut(c, decided);
            inc.commit();
        }
        Statistics.label("pass").coverage(check -> check.check("incremental").percentage(p -> p > 50));
    }

    private static void carryOut(SnapshotBuilder c, Decisions d) {
        var after = d.applyTo(c.assignments);
        c.assignments.clear();
        c.assignments.putAll(after);
    }

    private static UnitView newUnit(Random r, SnapshotBuilder c, String name) {
        Constraints k = Constraints.NONE;
        if (r.nextInt(4) == 0 && !c.units.isEmpty()) {
            k = k.withMachineOf(c.units.get(r.nextInt(c.units.size())).name());
        }
        if (r.nextInt(5) == 0) {
            k = k.withConflicts("n" + r.nextInt(5) + "*");
        }
        if (r.nextInt(5) == 0) {
            k = k.withMetadata(SnapshotBuilder.md("region=" + (r.nextBoolean() ? "a" : "b")));
        }
        WantedState desired = r.nextInt(6) == 0 ? WantedState.LOADED : WantedState.LAUNCHED;
        return new UnitView(name, desired, k, SchedulerPropertyTest.randomDemand(r));
    }
}
