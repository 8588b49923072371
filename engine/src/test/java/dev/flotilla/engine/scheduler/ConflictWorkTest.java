package dev.flotilla.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The work of a pass with many mutually conflicting units, counted (pattern tests), not timed.
 * Testing each unit's Conflicts= against every resident of every machine it passed over, and again
 * for its wait reason, grew as waiting units x machines x residents: minutes a pass for 5,000
 * {@code Conflicts=solo-*} units among 100,000 on 1,000 machines.
 */
class ConflictWorkTest {

    private static final int MACHINES = 200;
    private static final int SOLOS = 1_000;
    private static final int PLAIN = 20_000;

    @Test
    void mutuallyConflictingUnitsCostNoTestPerResident() {
        List<UnitView> units = new ArrayList<>();
        for (int i = 0; i < SOLOS; i++) {
            units.add(new UnitView("solo-" + i + ".service", WantedState.LAUNCHED, Constraints.NONE.withConflicts("solo-*")));
        }
        for (int i = 0; i < PLAIN; i++) {
            units.add(new UnitView("app-" + i + ".service", WantedState.LAUNCHED, Constraints.NONE));
        }
        Pass pass = new Pass(new ClusterSnapshot(PassAtScale.machines(MACHINES), units, Map.of()));
        Decisions d = pass.run();

        int waiting = SOLOS - MACHINES;
        assertEquals(waiting, d.waiting().size());
        assertEquals("conflicts with solo-0.service, solo-1.service, solo-10.service and 197 more on every candidate machine",
                d.waiting().get("solo-999.service"));
        assertEquals(units.size() - waiting, d.decisions().size());
        // What is left: each waiting unit visits every machine twice (the scan, its wait reason), with
        // one test per conflicting resident; plus one test per unit a machine takes in. Per resident,
        // it would be ~100 times this (~105 residents per machine).
        long bound = 4L * (units.size() + (long) waiting * MACHINES);
        assertTrue(pass.patternTests() <= bound, pass.patternTests() + " pattern tests, more than " + bound);
    }

    @Test
    void aConflictWithOneOfManyResidentsIsStillFoundByName() {
        SnapshotBuilder c = SnapshotBuilder.of("m1");
        for (int i = 0; i < 50; i++) {
            c.on("m1", "app-" + i + ".service");
        }
        c.on("m1", "db-b.service").on("m1", "db-a.service");
        c.unit("db-new.service", Constraints.NONE.withConflicts("nothing", "db-?.service", "app-4*"));
        Decisions d = Scheduler.leastLoaded().schedule(c.snapshot());
        assertEquals("conflicts with app-4.service on every candidate machine", d.waiting().get("db-new.service"));
    }
}
