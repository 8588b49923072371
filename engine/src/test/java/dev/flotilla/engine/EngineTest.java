package dev.flotilla.engine;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.flotilla.engine.PlannerTest.unit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine against a real etcd: placement, failover, waiting reasons. */
@Tag("etcd")
class EngineTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    private static final Duration ENGINE_TTL = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EtcdConfig config = etcd.newConfig();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    private Registry registry() {
        return closeLater(Registry.connect(config));
    }

    private MachinePresence machine(Registry r, String id, Map<String, String> metadata) {
        return closeLater(r.register(new Machine(id, "127.0.0.1", metadata, "t"), Duration.ofSeconds(30), id, Duration.ZERO));
    }

    private Engine engine(Registry r, String candidate) {
        return closeLater(Engine.start(r, r.leaderElection(candidate, ENGINE_TTL),
                new EngineOptions(Duration.ofSeconds(60), Duration.ZERO, Duration.ofMillis(5))));
    }

    private static String id(char c) {
        return String.valueOf(c).repeat(32);
    }

    private static Map<String, String> placement(Registry r) {
        return r.assignments().value().stream().collect(Collectors.toMap(Assignment::unit, Assignment::machineId));
    }

    @Test
    void unitsAreSpreadOverTheMachinesOnceEachAndFollowTheirDesiredState() {
        Registry r = registry();
        for (char c : new char[]{'a', 'b', 'c'}) {
            machine(r, id(c), Map.of());
        }
        engine(r, "engine-1");
        for (int i = 0; i < 9; i++) {
            r.createUnit(unit("u" + i + ".service", "", DesiredState.LAUNCHED));
        }
        await().atMost(WAIT).until(() -> r.assignments().value().size() == 9);
        Map<String, Long> perMachine = r.assignments().value().stream()
                .collect(Collectors.groupingBy(Assignment::machineId, Collectors.counting()));
        assertEquals(Map.of(id('a'), 3L, id('b'), 3L, id('c'), 3L), perMachine, "least loaded: 3 each");

        r.setDesiredState("u0.service", DesiredState.LOADED);
        r.setDesiredState("u1.service", DesiredState.INACTIVE);
        r.deleteUnit("u2.service");
        await().atMost(WAIT).until(() -> r.assignments().value().size() == 7);
        await().atMost(WAIT).until(() -> r.assignments().value().stream()
                .anyMatch(a -> a.unit().equals("u0.service") && a.desired() == DesiredState.LOADED));
        assertFalse(placement(r).containsKey("u1.service"));
        assertFalse(placement(r).containsKey("u2.service"));
    }

    @Test
    void aVanishedMachinesUnitsAreReassignedAndAJoiningMachineMovesNothing() {
        Registry r = registry();
        machine(r, id('a'), Map.of());
        MachinePresence b = machine(r, id('b'), Map.of());
        engine(r, "engine-1");
        for (int i = 0; i < 6; i++) {
            r.createUnit(unit("u" + i + ".service", "", DesiredState.LAUNCHED));
        }
        await().atMost(WAIT).until(() -> r.assignments().value().size() == 6);
        b.close();
        Map<String, String> before = await().atMost(WAIT).until(() -> placement(r),
                p -> p.size() == 6 && p.values().stream().allMatch(m -> m.equals(id('a'))));
        machine(r, id('c'), Map.of());
        r.createUnit(unit("late.service", "", DesiredState.LAUNCHED));
        await().atMost(WAIT).until(() -> placement(r).containsKey("late.service"));
        assertEquals(id('c'), placement(r).get("late.service"), "the new machine is the least loaded");
        Map<String, String> after = placement(r);
        after.remove("late.service");
        assertEquals(before, after, "placement is sticky: nothing moved to the new machine");
    }

    @Test
    void machinesLeavingTogetherKeepTheirUnitsWhileTheyMayComeBackButOneLeavingAloneLosesThem() {
        Registry r = registry();
        Map<Character, MachinePresence> machines = new java.util.TreeMap<>();
        for (char c : new char[]{'a', 'b', 'c', 'd', 'e'}) {
            machines.put(c, machine(r, id(c), Map.of()));
        }
        Duration grace = Duration.ofSeconds(10);
        closeLater(Engine.start(r, r.leaderElection("engine-1", ENGINE_TTL),
                new EngineOptions(Duration.ofSeconds(60), grace, Duration.ofMillis(5))));
        for (int i = 0; i < 10; i++) {
            r.createUnit(unit("u" + i + ".service", "", DesiredState.LAUNCHED));
        }
        await().atMost(WAIT).until(() -> r.assignments().value().size() == 10);

        // One machine alone: a machine's death; its units move (once the election's hold is over).
        machines.get('b').close();
        // One read per check: between an unassign and its assign, two reads could see 10 units (still
        // on b) and then none on b (8, the moved ones between their two writes).
        Map<String, String> before = await().atMost(WAIT.plus(grace)).until(() -> placement(r),
                p -> p.size() == 10 && !p.containsValue(id('b')));

        // Two of the four left together: trouble of etcd's, not theirs; they come back within the grace.
        machines.get('c').close();
        machines.get('d').close();
        machine(r, id('c'), Map.of());
        machine(r, id('d'), Map.of());
        r.createUnit(unit("late.service", "", DesiredState.LAUNCHED));
        await().atMost(WAIT).until(() -> placement(r).containsKey("late.service"));
        Map<String, String> after = placement(r);
        after.remove("late.service");
        assertEquals(before, after, "nothing moved off the machines that came back");
    }

    @Test
    void aUnitThatFitsNowhereWaitsVisiblyAndIsPlacedWhenAMachineFits() {
        Registry r = registry();
        machine(r, id('a'), Map.of("az", "a"));
        engine(r, "engine-1");
        r.createUnit(unit("db.service", "MachineMetadata=az=b", DesiredState.LAUNCHED));
        await().atMost(WAIT).until(() -> r.waiting().value().containsKey("db.service"));
        assertTrue(r.waiting().value().get("db.service").contains("az"), r.waiting().value().toString());
        machine(r, id('b'), Map.of("az", "b"));
        await().atMost(WAIT).until(() -> id('b').equals(placement(r).get("db.service")));
        await().atMost(WAIT).until(() -> r.waiting().value().isEmpty());
    }

    @Test
    void anotherEngineTakesOverWhenTheLeaderStopsOrDies() {
        Registry setup = registry();
        machine(setup, id('a'), Map.of());
        machine(setup, id('b'), Map.of());

        Registry r1 = Registry.connect(config);
        Engine e1 = Engine.start(r1, r1.leaderElection("engine-1", ENGINE_TTL),
                new EngineOptions(Duration.ofSeconds(60), Duration.ZERO, Duration.ofMillis(5)));
        await().atMost(WAIT).until(() -> e1.stats().leader());
        Registry r2 = registry();
        Engine e2 = engine(r2, "engine-2");
        Registry r3 = registry();
        Engine e3 = engine(r3, "engine-3");

        setup.createUnit(unit("first.service", "", DesiredState.LAUNCHED));
        await().atMost(WAIT).until(() -> placement(setup).containsKey("first.service"));

        // Clean stop: resigns, a follower leads at once.
        e1.close();
        r1.close();
        await().atMost(WAIT).until(() -> e2.stats().leader() || e3.stats().leader());
        setup.createUnit(unit("second.service", "", DesiredState.LAUNCHED));
        await().atMost(WAIT).until(() -> placement(setup).containsKey("second.service"));

        // Crash: the leader's client vanishes without resigning; its lease runs out.
        Engine leader = e2.stats().leader() ? e2 : e3;
        Engine follower = leader == e2 ? e3 : e2;
        (leader == e2 ? r2 : r3).close();
        long lost = System.nanoTime();
        await().atMost(WAIT).until(() -> follower.stats().leader());
        System.out.printf("engine failover after a crash: %d ms (engine TTL %d s)%n",
                (System.nanoTime() - lost) / 1_000_000, ENGINE_TTL.toSeconds());
        setup.createUnit(unit("third.service", "", DesiredState.LAUNCHED));
        await().atMost(WAIT).until(() -> placement(setup).keySet().equals(Set.of("first.service", "second.service", "third.service")));
        assertEquals(3, setup.assignments().value().size(), "every unit assigned exactly once");
    }
}
