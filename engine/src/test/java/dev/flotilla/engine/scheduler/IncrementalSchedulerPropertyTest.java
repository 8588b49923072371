package dev.flotilla.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * With capacities and demands, a pass that only adds units ({@link IncrementalScheduler#add}) decides
 * what a pass from scratch over the grown cluster decides: the same assigns, the same waiting reasons
 * (figures included), the same loads per machine.
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
