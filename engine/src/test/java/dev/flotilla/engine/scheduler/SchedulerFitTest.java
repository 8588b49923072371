package dev.flotilla.engine.scheduler;

import static dev.flotilla.engine.scheduler.SnapshotBuilder.GiB;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.MiB;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.assign_;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.cap;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.cpu;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.md;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.memory;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.percent;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.unassign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.unitfile.Demand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Placement by fit and dominant share, rule by rule: each row is a cluster, where its units end up
 * and what the waiting ones say.
 */
class SchedulerFitTest {

    /**
     * @param placed  unit to the machine it must end on
     * @param waiting unit to a text its waiting reason must equal
     */
    record Case(String rule, Supplier<SnapshotBuilder> cluster, Map<String, String> placed, Map<String, String> waiting) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a unit goes only where its memory fits",
                        () -> SnapshotBuilder.of().machine("a", cap(4000, 2 * GiB)).machine("b", cap(4000, 8 * GiB))
                                .unit("u.service", memory(4 * GiB)),
                        Map.of("u.service", "b"), Map.of()),
                new Case("fit on one resource but not the other: memory short on a, CPU short on b",
                        () -> SnapshotBuilder.of().machine("a", cap(4000, 2 * GiB)).machine("b", cap(1000, 8 * GiB))
                                .unit("both.service", new Demand(2000, 4 * GiB, 0))
                                .unit("little-cpu.service", new Demand(500, 4 * GiB, 0)),
                        Map.of("little-cpu.service", "b"),
                        Map.of("both.service", "no candidate machine fits: needs 4 GiB memory (the most free is 2 GiB, on a)"
                                + " on 1 machine; needs 2 CPUs (the most free is 1 CPU, on b) on 1 machine")),
                new Case("CPU alone: the figure in CPUs",
                        () -> SnapshotBuilder.of().machine("a", cap(1000, 0)).machine("b", cap(2000, 0))
                                .on("b", "busy.service", cpu(1500))
                                .unit("u.service", cpu(1500)),
                        Map.of("busy.service", "b"),
                        Map.of("u.service", "needs 1.5 CPUs; the most free is 1 CPU (on a)")),
                new Case("least dominant share after placing wins over the count's tie broken by id",
                        () -> SnapshotBuilder.of().machine("a", cap(4000, 8 * GiB)).machine("b", cap(4000, 8 * GiB))
                                .on("a", "memory-heavy.service", memory(3 * GiB))
                                .on("b", "cpu-heavy.service", cpu(2000))
                                .unit("u.service", memory(2 * GiB)),
                        // a: max(0, 5/8) = 0.625; b: max(0.5, 2/8) = 0.5
                        Map.of("u.service", "b"), Map.of()),
                new Case("equal shares: the machine with fewer units, then the smaller id",
                        () -> SnapshotBuilder.of().machine("a", cap(4000, 8 * GiB)).machine("b", cap(4000, 8 * GiB))
                                .machine("c", cap(4000, 8 * GiB))
                                .on("a", "x1.service").on("a", "x2.service").on("b", "x3.service").on("c", "x4.service")
                                .unit("u.service", memory(GiB)),
                        Map.of("u.service", "b"), Map.of()),
                new Case("a percentage is of each machine's own memory",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 2 * GiB)).machine("b", cap(0, 8 * GiB))
                                .on("b", "big.service", memory(3 * GiB))
                                .unit("half.service", percent(5000)),
                        // a: 1 GiB of 2 (0.5); b: 3 + 4 GiB of 8 (0.875)
                        Map.of("half.service", "a"), Map.of()),
                new Case("a percentage that fits only on the larger machine",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 2 * GiB)).machine("b", cap(0, 8 * GiB))
                                .on("a", "small.service", memory(GiB)).on("b", "big.service", memory(3 * GiB))
                                .unit("sixty.service", percent(6000)),
                        Map.of("sixty.service", "b"), Map.of()),
                new Case("a percentage that fits nowhere says so in its own terms",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 2 * GiB))
                                .on("a", "small.service", memory(GiB))
                                .unit("sixty.service", percent(6000)),
                        Map.of(),
                        Map.of("sixty.service", "needs 60% of memory (1.2 GiB there); the most free is 1 GiB (on a)")),
                new Case("an unknown capacity has room for anything, at share 0",
                        () -> SnapshotBuilder.of().machine("a").machine("b", cap(0, GiB))
                                .on("a", "x.service")
                                .unit("u.service", memory(4 * GiB)),
                        Map.of("u.service", "a"), Map.of()),
                new Case("a stopped (loaded) unit keeps its machine but reserves nothing: a waiting unit takes the room",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 3 * GiB / 2))
                                .unit("stopped.service", WantedState.LOADED, Constraints.NONE, memory(GiB))
                                .assign("stopped.service", "a")
                                .unit("waiting.service", memory(GiB)),
                        Map.of("stopped.service", "a", "waiting.service", "a"), Map.of()),
                new Case("a loaded global reserves nothing either",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 2 * GiB))
                                .unit("g.service", WantedState.LOADED, Constraints.NONE.asGlobal(), memory(2 * GiB))
                                .unit("u.service", memory(GiB)),
                        Map.of("u.service", "a"), Map.of()),
                new Case("globals reserve first: what is left is what others get",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 4 * GiB), "region=a").machine("b", cap(0, 4 * GiB))
                                .unit("g.service", Constraints.NONE.withMetadata(md("region=a")).asGlobal(), memory(3 * GiB))
                                .unit("u1.service", memory(2 * GiB)).unit("u2.service", memory(2 * GiB))
                                .unit("u3.service", memory(2 * GiB)),
                        Map.of("u1.service", "b", "u2.service", "b"),
                        Map.of("u3.service", "needs 2 GiB memory; the most free is 1 GiB (on a)")),
                new Case("a machine that globals overfill takes nothing else, not even a unit without demand",
                        () -> SnapshotBuilder.of().machine("a", cap(0, GiB)).machine("b", cap(0, 4 * GiB))
                                .unit("g.service", Constraints.NONE.asGlobal(), memory(2 * GiB))
                                .on("b", "x1.service").on("b", "x2.service")
                                .unit("free.service"),
                        Map.of("free.service", "b"), Map.of()),
                new Case("a unit kept on a machine that globals now overfill moves",
                        () -> SnapshotBuilder.of().machine("a", cap(0, GiB)).machine("b", cap(0, 4 * GiB), "region=b")
                                .unit("g.service", Constraints.NONE.withMetadata(md("region!=b")).asGlobal(), memory(2 * GiB))
                                .on("a", "x.service"),
                        Map.of("x.service", "b"), Map.of()),
                new Case("MachineOf: the peer goes where it and its follower fit together",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 2 * GiB)).machine("b", cap(0, 8 * GiB))
                                .on("b", "z.service", memory(3584 * MiB))
                                .unit("p.service", memory(GiB))
                                .unit("f.service", Constraints.NONE.withMachineOf("p.service"), memory(2 * GiB)),
                        // alone, p would rank a first (1/2 against 4.5/8), but f does not fit beside it there
                        Map.of("p.service", "b", "f.service", "b"), Map.of()),
                new Case("MachineOf: no machine holds both, so both wait",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 2 * GiB)).machine("b", cap(0, 2 * GiB))
                                .unit("p.service", memory(GiB))
                                .unit("f.service", Constraints.NONE.withMachineOf("p.service"), memory(2 * GiB)),
                        Map.of(),
                        Map.of("p.service", "needs 3 GiB memory with its MachineOf follower f.service; the most free is 2 GiB (on a)",
                                "f.service", "waiting for MachineOf peer p.service to be scheduled")),
                new Case("MachineOf: a running peer stays; a follower that does not fit beside it waits",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 2 * GiB)).machine("b", cap(0, 8 * GiB))
                                .on("a", "p.service", memory(1536 * MiB))
                                .unit("f.service", Constraints.NONE.withMachineOf("p.service"), memory(GiB)),
                        Map.of("p.service", "a"),
                        Map.of("f.service", "needs 1 GiB memory; machine a of its MachineOf peer p.service has 512 MiB free")),
                new Case("Replaces: the replacer counts what it replaces as free; the replaced unit moves under its own fit",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 4 * GiB)).machine("b", cap(0, 4 * GiB))
                                .on("a", "old.service", memory(3 * GiB)).on("b", "x.service", memory(2 * GiB))
                                .unit("new.service", Constraints.NONE.withReplaces("old.service"), memory(3 * GiB)),
                        Map.of("new.service", "a", "x.service", "b"),
                        Map.of("old.service", "no candidate machine fits: replaced by new.service on 1 machine;"
                                + " needs 3 GiB memory (the most free is 2 GiB, on b) on 1 machine")),
                new Case("Replaces: the replaced unit moves where it fits",
                        () -> SnapshotBuilder.of().machine("a", cap(0, 4 * GiB)).machine("b", cap(0, 4 * GiB))
                                .machine("c", cap(0, 8 * GiB))
                                .on("a", "old.service", memory(3 * GiB)).on("b", "x.service", memory(GiB))
                                .on("c", "y.service", memory(6 * GiB))
                                .unit("new.service", Constraints.NONE.withReplaces("old.service").withMachineId("a"), memory(3 * GiB)),
                        Map.of("new.service", "a", "old.service", "b"), Map.of()),
                new Case("a dead machine holds more than the rest can take: what fits goes, the rest waits",
                        () -> SnapshotBuilder.of().machine("b", cap(0, 4 * GiB)).machine("c", cap(0, 4 * GiB))
                                .on("a", "u1.service", memory(3 * GiB)).on("a", "u2.service", memory(GiB))
                                .on("b", "u3.service", memory(3 * GiB)).on("c", "u4.service", memory(3 * GiB)),
                        Map.of("u2.service", "b", "u3.service", "b", "u4.service", "c"),
                        Map.of("u1.service", "needs 3 GiB memory; the most free is 1 GiB (on b)")),
                new Case("the figure names the machine by its short id",
                        () -> SnapshotBuilder.of().machine("1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e", cap(0, 2560 * MiB))
                                .unit("db.service", memory(4 * GiB)),
                        Map.of(), Map.of("db.service", "needs 4 GiB memory; the most free is 2.5 GiB (on 1b2c3d4e...)")),
                new Case("a unit kept where it no longer fits (the capacity shrank) moves",
                        () -> SnapshotBuilder.of().machine("a", cap(0, GiB)).machine("b", cap(0, 4 * GiB))
                                .on("a", "u.service", memory(2 * GiB)),
                        Map.of("u.service", "b"), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void placesByFitAndShare(Case c) {
        SnapshotBuilder cluster = c.cluster().get();
        Decisions d = cluster.schedule();
        Map<String, String> after = d.applyTo(cluster.assignments);
        c.placed().forEach((unit, machine) -> assertEquals(machine, after.get(unit), () -> unit + ": " + d));
        assertEquals(new TreeMap<>(c.waiting()), d.waiting(), d::toString);
        checkNoMachineOverfilled(cluster, d);
    }

    @Test
    void aUnitThatNoLongerFitsLeavesWithNoRoom() {
        SnapshotBuilder c = SnapshotBuilder.of().machine("a", cap(0, GiB)).machine("b", cap(0, 4 * GiB))
                .on("a", "u.service", memory(2 * GiB));
        assertEquals(List.of(unassign("u.service", "a", Decision.Reason.NO_ROOM), assign_("u.service", "b")),
                c.schedule().decisions());
    }

    @Test
    void theReplacedUnitLeavesAsReplacedAndTheLoadsSayWhatIsAllocated() {
        SnapshotBuilder c = SnapshotBuilder.of().machine("a", cap(2000, 4 * GiB)).machine("b", cap(2000, 4 * GiB))
                .unit("g.service", Constraints.NONE.asGlobal(), new Demand(250, 256 * MiB, 0))
                .on("a", "old.service", memory(3 * GiB))
                .unit("new.service", Constraints.NONE.withReplaces("old.service").withMachineId("a"), new Demand(500, 3 * GiB, 0));
        Decisions d = c.schedule();
        assertEquals(List.of(unassign("old.service", "a", Decision.Reason.REPLACED),
                assign_("new.service", "a"), assign_("old.service", "b")), d.decisions());
        assertEquals(new MachineLoad(2, 750, 3 * GiB + 256 * MiB, cap(2000, 4 * GiB)), d.machines().get("a"));
        assertEquals(new MachineLoad(2, 250, 3 * GiB + 256 * MiB, cap(2000, 4 * GiB)), d.machines().get("b"));
    }

    @Test
    void aFollowerTravelsWithItsPeerWhenThePeerIsReplaced() {
        // p is pushed off a by its replacer; on b it must fit together with its follower f.
        // Alone, p would rank b first (1/1.5 against 3/4); with f it fits only on c.
        SnapshotBuilder c = SnapshotBuilder.of().machine("a", cap(0, 4 * GiB)).machine("b", cap(0, 3 * GiB / 2))
                .machine("c", cap(0, 4 * GiB))
                .on("c", "z.service", memory(2 * GiB))
                .on("a", "p.service", memory(GiB))
                .on("a", "f.service", Constraints.NONE.withMachineOf("p.service"))
                .unit("f.service", Constraints.NONE.withMachineOf("p.service"), memory(GiB)).assign("f.service", "a")
                .unit("r.service", Constraints.NONE.withReplaces("p.service").withMachineId("a"), memory(GiB));
        Map<String, String> after = c.schedule().applyTo(c.assignments);
        assertEquals("c", after.get("p.service"));
        assertEquals("c", after.get("f.service"));
    }

    /** Every machine with a known capacity holds no more than it has, unless its global units alone overfill it. */
    static void checkNoMachineOverfilled(SnapshotBuilder c, Decisions d) {
        Map<String, String> after = d.applyTo(c.assignments);
        Map<String, UnitView> units = new TreeMap<>();
        c.units.forEach(u -> units.put(u.name(), u));
        for (MachineView m : c.machines) {
            long cpu = 0;
            long mem = 0;
            List<String> others = new ArrayList<>();
            for (UnitView g : c.units) {
                // only a launched unit reserves its demand (a loaded one keeps its machine, not its room)
                if (g.constraints().global() && g.desired() == WantedState.LAUNCHED && g.constraints().metadata().matches(m.metadata())) {
                    cpu += g.demand().cpuMillis();
                    mem += g.demand().memoryOn(m.capacity().memoryBytes());
                }
            }
            for (Map.Entry<String, String> e : after.entrySet()) {
                if (e.getValue().equals(m.id())) {
                    UnitView u = units.get(e.getKey());
                    if (u.desired() == WantedState.LAUNCHED) {
                        cpu += u.demand().cpuMillis();
                        mem += u.demand().memoryOn(m.capacity().memoryBytes());
                    }
                    others.add(u.name());
                }
            }
            if (others.isEmpty()) {
                continue;
            }
            long cpuCap = m.capacity().cpuMillis();
            long memCap = m.capacity().memoryBytes();
            final long cpuUsed = cpu;
            final long memUsed = mem;
            assertTrue(cpuCap == 0 || cpuUsed <= cpuCap, () -> m.id() + " CPU " + cpuUsed + " > " + cpuCap + ": " + others);
            assertTrue(memCap == 0 || memUsed <= memCap, () -> m.id() + " memory " + memUsed + " > " + memCap + ": " + others);
            MachineLoad load = d.machines().get(m.id());
            assertEquals(cpuUsed, load.cpuMillis(), m.id() + " CPU allocated");
            assertEquals(memUsed, load.memoryBytes(), m.id() + " memory allocated");
        }
    }
}
