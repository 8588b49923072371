package dev.flotilla.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random small clusters (ambiguous id prefixes, vanished machines, every constraint, globals, stale
 * assignments): whatever comes in, what comes out honours every rule.
 */
class SchedulerPropertyTest {

    private static final List<String> PATTERNS =
            List.of("u*", "w?.service", "u[0-3].service", "w*", "u1*", "[!u]*", "g*");

    @Property(tries = 400)
    void noDecisionEverBreaksAConstraintAndEveryUnitIsPlacedOrWaits(@ForAll long seed) {
        SnapshotBuilder c = randomCluster(new Random(seed), true);
        Decisions d = c.schedule();
        checkDecisionsAreWellFormed(c, d);
        checkFinalStateHonoursConstraints(c, d);
    }

    @Property(tries = 200)
    void theSameSnapshotInAnyOrderGivesTheSameDecisions(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder c = randomCluster(r, true);
        Decisions first = c.schedule();
        Collections.shuffle(c.machines, r);
        Collections.shuffle(c.units, r);
        assertEquals(first, c.schedule());
    }

    /**
     * Shared MachineMetadata rules get their own machine index; an opaque rule (a lambda) cannot, and
     * is scanned for. Both must pick the same machines.
     */
    @Property(tries = 200)
    void theMetadataRuleIndexPicksWhatAScanWould(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder indexed = randomCluster(r, true);
        for (int i = 0; i < 12; i++) { // more units sharing a few rules, so the rule index is used
            indexed.unit("m" + i + ".service", Constraints.NONE.withMetadata(randomRule(r)));
        }
        SnapshotBuilder scanned = new SnapshotBuilder();
        scanned.machines.addAll(indexed.machines);
        scanned.assignments.putAll(indexed.assignments);
        for (UnitView u : indexed.units) {
            MetadataRule rule = u.constraints().metadata();
            MetadataRule opaque = rule == MetadataRule.ANY ? rule : rule::matches;
            scanned.units.add(new UnitView(u.name(), u.desired(), u.constraints().withMetadata(opaque)));
        }
        Decisions a = indexed.schedule();
        Decisions b = scanned.schedule();
        assertEquals(a.decisions(), b.decisions());
        assertEquals(a.waiting().keySet(), b.waiting().keySet());
    }

    /** Without Replaces (which may legitimately push a unit off), a second pass moves nothing. */
    @Property(tries = 200)
    void aSecondPassMovesNothing(@ForAll long seed) {
        SnapshotBuilder c = randomCluster(new Random(seed), false);
        c.step();
        Decisions again = c.schedule();
        for (Decision x : again.decisions()) {
            assertTrue(x instanceof Decision.Assign, () -> "second pass moved " + x);
        }
    }

    @Property(tries = 200)
    void plainUnitsFromScratchAreSpreadWithinOneOfEachOther(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder c = new SnapshotBuilder();
        int machines = 1 + r.nextInt(9);
        for (int i = 0; i < machines; i++) {
            c.machine("m" + i);
        }
        int units = r.nextInt(60);
        for (int i = 0; i < units; i++) {
            c.unit("u" + i + ".service");
        }
        Decisions d = c.schedule();
        assertTrue(d.waiting().isEmpty());
        Map<String, Integer> load = new HashMap<>();
        c.machines.forEach(m -> load.put(m.id(), 0));
        d.applyTo(Map.of()).values().forEach(m -> load.merge(m, 1, Integer::sum));
        int max = Collections.max(load.values());
        int min = Collections.min(load.values());
        assertTrue(max - min <= 1, load::toString);
    }

    // ---- capacity and demand ----------------------------------------------------------------------

    /** Capacities but no demands anywhere: exactly fleet's count-based plan (a scan by (load, id)). */
    @Property(tries = 400)
    void withoutDemandsThePlanIsTheCountBasedPlan(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder c = withCapacities(r, randomCluster(r, true));
        ClusterSnapshot s = c.snapshot();
        assertEquals(new Pass(s, ScanRankings.byCount()).run(), Scheduler.leastLoaded().schedule(s));
    }

    /** The index's early stop picks what a scan of every machine by (share after placing, load, id) picks. */
    @Property(tries = 400)
    void theIndexRanksAsAScanByShareWould(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder c = withDemands(r, withCapacities(r, randomCluster(r, true)));
        ClusterSnapshot s = c.snapshot();
        assertEquals(new Pass(s, ScanRankings.byShare()).run(), Scheduler.leastLoaded().schedule(s));
    }

    /** Many same-sized machines and units: where ties and the early stop matter most. */
    @Property(tries = 200)
    void theIndexRanksAsAScanByShareWouldOnUniformClusters(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder c = new SnapshotBuilder();
        for (int i = 0, n = 1 + r.nextInt(12); i < n; i++) {
            c.machine("m" + i, r.nextInt(4) == 0 ? SnapshotBuilder.cap(4000, 0) : SnapshotBuilder.cap(4000, 8 * SnapshotBuilder.GiB));
        }
        for (int i = 0, n = r.nextInt(60); i < n; i++) {
            c.unit("u" + i + ".service", randomDemand(r));
        }
        ClusterSnapshot s = c.snapshot();
        assertEquals(new Pass(s, ScanRankings.byShare()).run(), Scheduler.leastLoaded().schedule(s));
    }

    @Property(tries = 400)
    void noMachineEverHoldsMoreThanItsCapacity(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder c = withDemands(r, withCapacities(r, randomCluster(r, true)));
        Decisions d = c.schedule();
        checkDecisionsAreWellFormed(c, d);
        SchedulerFitTest.checkNoMachineOverfilled(c, d);
        // and again after the decisions were carried out, from where they left it
        c.step();
        SchedulerFitTest.checkNoMachineOverfilled(c, c.schedule());
    }

    @Property(tries = 200)
    void withDemandsTheSameSnapshotInAnyOrderGivesTheSameDecisions(@ForAll long seed) {
        Random r = new Random(seed);
        SnapshotBuilder c = withDemands(r, withCapacities(r, randomCluster(r, true)));
        Decisions first = c.schedule();
        Collections.shuffle(c.machines, r);
        Collections.shuffle(c.units, r);
        assertEquals(first, c.schedule());
    }

    static SnapshotBuilder withCapacities(Random r, SnapshotBuilder c) {
        long g = SnapshotBuilder.GiB;
        List<Capacity> kinds = List.of(Capacity.UNKNOWN, SnapshotBuilder.cap(2000, 4 * g), SnapshotBuilder.cap(4000, 8 * g),
                SnapshotBuilder.cap(0, 2 * g), SnapshotBuilder.cap(1000, 0), SnapshotBuilder.cap(1500, 3 * g));
        c.machines.replaceAll(m -> new MachineView(m.id(), m.metadata(), kinds.get(r.nextInt(kinds.size()))));
        return c;
    }

    static SnapshotBuilder withDemands(Random r, SnapshotBuilder c) {
        c.units.replaceAll(u -> new UnitView(u.name(), u.desired(), u.constraints(), randomDemand(r)));
        return c;
    }

    static dev.flotilla.unitfile.Demand randomDemand(Random r) {
        long g = SnapshotBuilder.GiB;
        return switch (r.nextInt(6)) {
            case 0 -> dev.flotilla.unitfile.Demand.NONE;
            case 1 -> SnapshotBuilder.memory((1 + r.nextInt(12)) * g / 4);
            case 2 -> SnapshotBuilder.cpu(250L * (1 + r.nextInt(8)));
            case 3 -> SnapshotBuilder.percent(500 * (1 + r.nextInt(12)));
            case 4 -> new dev.flotilla.unitfile.Demand(250L * (1 + r.nextInt(8)), (1 + r.nextInt(12)) * g / 4, 0);
            default -> new dev.flotilla.unitfile.Demand(250L * (1 + r.nextInt(4)), 0, 500 * (1 + r.nextInt(6)));
        };
    }

    // ---- generation -------------------------------------------------------------------------------

    static SnapshotBuilder randomCluster(Random r, boolean withReplaces) {
        SnapshotBuilder c = new SnapshotBuilder();
        int machines = r.nextInt(7);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < machines; i++) {
            // Ids share their first 8 characters in groups, so short ids are sometimes ambiguous.
            String id = String.format("%08x%024x", r.nextInt(3), i + 1);
            ids.add(id);
            List<String> md = new ArrayList<>();
            if (r.nextInt(4) > 0) {
                md.add("region=" + (r.nextBoolean() ? "a" : "b"));
            }
            if (r.nextInt(4) > 0) {
                md.add("disk=" + (r.nextBoolean() ? "ssd" : "hdd"));
            }
            c.machine(id, md.toArray(String[]::new));
        }
        int units = r.nextInt(15);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < units; i++) {
            names.add((r.nextBoolean() ? "u" : "w") + i + ".service");
        }
        for (String name : names) {
            Constraints k = Constraints.NONE;
            if (r.nextInt(10) == 0) {
                k = k.asGlobal();
            }
            if (!k.global() && r.nextInt(10) == 0) {
                k = k.withMachineId(randomMachineId(r, ids));
            }
            if (!k.global() && r.nextInt(6) == 0) {
                k = k.withMachineOf(r.nextInt(8) == 0 || names.size() < 2 ? "nobody.service" : names.get(r.nextInt(names.size())));
            }
            if (r.nextInt(5) == 0) {
                k = k.withMetadata(randomRule(r));
            }
            if (r.nextInt(5) == 0) {
                k = k.withConflicts(randomPatterns(r));
            }
            if (withReplaces && !k.global() && r.nextInt(8) == 0) {
                k = k.withReplaces(randomPatterns(r));
            }
            int state = r.nextInt(20);
            WantedState desired = state < 3 ? WantedState.INACTIVE : state < 8 ? WantedState.LOADED : WantedState.LAUNCHED;
            c.unit(name, desired, k);
            if (r.nextInt(5) < 2) {
                c.assign(name, r.nextInt(6) == 0 || ids.isEmpty() ? "dead" + r.nextInt(2) : ids.get(r.nextInt(ids.size())));
            }
        }
        if (r.nextInt(8) == 0) {
            c.assign("destroyed.service", ids.isEmpty() ? "dead0" : ids.get(0));
        }
        return c;
    }

    private static String randomMachineId(Random r, List<String> ids) {
        if (ids.isEmpty() || r.nextInt(5) == 0) {
            return "ffffffffffffffffffffffffffffffff";
        }
        String id = ids.get(r.nextInt(ids.size()));
        return switch (r.nextInt(3)) {
            case 0 -> id;
            case 1 -> id.substring(0, 8);
            default -> id.substring(0, 4);
        };
    }

    private static MetadataRule randomRule(Random r) {
        MetadataRule.Builder b = MetadataRule.builder();
        int pairs = 1 + r.nextInt(3);
        for (int i = 0; i < pairs; i++) {
            boolean region = r.nextBoolean();
            String key = region ? "region" : "disk";
            String value = region ? (r.nextBoolean() ? "a" : "b") : (r.nextBoolean() ? "ssd" : "hdd");
            if (r.nextInt(3) == 0) {
                b.notEqual(key, value);
            } else {
                b.equal(key, value);
            }
        }
        return b.build();
    }

    private static String[] randomPatterns(Random r) {
        String[] out = new String[1 + r.nextInt(2)];
        for (int i = 0; i < out.length; i++) {
            out[i] = PATTERNS.get(r.nextInt(PATTERNS.size()));
        }
        return out;
    }

    // ---- checks -----------------------------------------------------------------------------------

    private static void checkDecisionsAreWellFormed(SnapshotBuilder c, Decisions d) {
        Set<String> live = new HashSet<>();
        c.machines.forEach(m -> live.add(m.id()));
        boolean seenAssign = false;
        Set<String> unassigned = new HashSet<>();
        Set<String> assigned = new HashSet<>();
        for (Decision x : d.decisions()) {
            if (x instanceof Decision.Unassign u) {
                assertFalse(seenAssign, "unassigns come first");
                assertEquals(c.assignments.get(u.unit()), u.machine(), "an unassign names the recorded machine");
                assertTrue(unassigned.add(u.unit()));
            } else {
                seenAssign = true;
                assertTrue(live.contains(x.machine()), "assigned to a live machine");
                assertTrue(assigned.add(x.unit()));
                assertFalse(x.machine().equals(c.assignments.get(x.unit())), "no assign to where it already is");
            }
        }
    }

    private static void checkFinalStateHonoursConstraints(SnapshotBuilder c, Decisions d) {
        Map<String, String> after = d.applyTo(c.assignments);
        Map<String, UnitView> units = new HashMap<>();
        c.units.forEach(u -> units.put(u.name(), u));
        Map<String, MachineView> machines = new HashMap<>();
        c.machines.forEach(m -> machines.put(m.id(), m));

        for (UnitView u : c.units) {
            boolean placed = after.containsKey(u.name());
            boolean waits = d.waiting().containsKey(u.name());
            if (u.wantsMachine()) {
                assertTrue(placed ^ waits, () -> u.name() + " is placed xor waiting");
            } else {
                assertFalse(placed || waits, () -> u.name() + " wants no machine");
            }
        }
        assertTrue(units.keySet().containsAll(after.keySet()), "only known units stay assigned");

        Map<String, List<UnitView>> onMachine = new HashMap<>();
        after.forEach((unit, machine) -> onMachine.computeIfAbsent(machine, k -> new ArrayList<>()).add(units.get(unit)));

        after.forEach((name, machineId) -> {
            UnitView u = units.get(name);
            MachineView m = machines.get(machineId);
            assertNotNull(m, () -> name + " is on a live machine");
            Constraints k = u.constraints();
            k.machineId().ifPresent(wanted -> assertTrue(machineId.equals(wanted)
                    || (wanted.length() >= MachineIds.MIN_ID_PREFIX && machineId.startsWith(wanted)), "MachineID"));
            assertTrue(k.metadata().matches(m.metadata()), () -> name + " metadata");
            for (String peerName : k.machineOf()) {
                UnitView peer = units.get(peerName);
                assertNotNull(peer, "known peer");
                if (peer.constraints().global()) {
                    assertTrue(peer.desired() != WantedState.INACTIVE && peer.constraints().metadata().matches(m.metadata()));
                } else {
                    assertEquals(machineId, after.get(peerName), () -> name + " is with its peer " + peerName);
                }
            }
            for (UnitView other : onMachine.get(machineId)) {
                if (other == u) {
                    continue;
                }
                assertFalse(Constraints.anyMatches(k.conflicts(), other.name()), () -> name + " conflicts with " + other.name());
                assertFalse(Constraints.anyMatches(other.constraints().replaces(), name), () -> other.name() + " replaces " + name);
            }
            boolean moved = !machineId.equals(c.assignments.get(name));
            if (moved) {
                for (UnitView g : c.units) {
                    if (g.constraints().global() && g.desired() != WantedState.INACTIVE && g.constraints().metadata().matches(m.metadata())) {
                        assertFalse(Constraints.anyMatches(k.conflicts(), g.name()) || Constraints.anyMatches(g.constraints().conflicts(), name),
                                () -> name + " placed next to conflicting global " + g.name());
                    }
                }
            }
        });

        // A unit without constraints that nobody conflicts with or replaces always gets a machine.
        if (!c.machines.isEmpty()) {
            for (UnitView u : c.units) {
                if (!u.wantsMachine() || !u.constraints().equals(Constraints.NONE)) {
                    continue;
                }
                boolean targeted = c.units.stream().anyMatch(o -> o != u
                        && (Constraints.anyMatches(o.constraints().conflicts(), u.name()) || Constraints.anyMatches(o.constraints().replaces(), u.name())));
                if (!targeted) {
                    assertTrue(after.containsKey(u.name()), () -> u.name() + " is free to go anywhere: " + d.waiting().get(u.name()));
                }
            }
        }
    }
}
