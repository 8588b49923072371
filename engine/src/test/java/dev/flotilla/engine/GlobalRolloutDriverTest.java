package dev.flotilla.engine;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.Rollout;
import dev.flotilla.model.Rollout.Phase;
import dev.flotilla.model.RolloutSettings;
import dev.flotilla.model.RolloutUnit;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.InMemoryCluster;
import dev.flotilla.registry.InMemoryRegistry;
import dev.flotilla.registry.LeaderElection;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A global unit rolled machine by machine by the driver, against the in-memory cluster on a manual
 * clock. The test plays the agents as {@code agent/DesiredSets} decides: a machine with a pin
 * (an assignment of the global) runs the pin's hash if the unit record has its text, any other
 * runs the globals index.
 */
class GlobalRolloutDriverTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final String OLD = "[Service]\nExecStart=/bin/sleep 1000\n[X-Fleet]\nGlobal=true\n";
    private static final String NEW = "[Service]\nExecStart=/bin/sleep 2000\n[X-Fleet]\nGlobal=true\n";
    private static final String G = "g.service";

    private final ManualClock clock = new ManualClock();
    private final InMemoryCluster cluster = InMemoryCluster.create(clock);
    private final InMemoryRegistry r1 = cluster.connect();
    private final InMemoryRegistry r2 = cluster.connect();
    private final InMemoryRegistry client = cluster.connect();
    private final Map<String, LeaderElection> elections = new HashMap<>();
    private final Map<String, MachinePresence> agents = new LinkedHashMap<>();
    /** Each machine's hashes in the order it ran them. */
    private final Map<String, List<String>> ran = new LinkedHashMap<>();
    /** The machine states to publish next (a test may make one fail). */
    private final Map<String, String> failing = new HashMap<>();

    @AfterEach
    void close() {
        cluster.close();
    }

    private static String hash(String text) {
        return dev.flotilla.unitfile.UnitFile.hashOf(text);
    }

    private long lead(InMemoryRegistry r, String id) {
        List<Long> fence = new CopyOnWriteArrayList<>();
        LeaderElection e = r.leaderElection(id, TTL);
        e.start(change -> {
            if (change instanceof LeaderElection.Leadership.Gained g) {
                fence.add(g.fencingRevision());
            }
        });
        cluster.awaitQuiet();
        assertEquals(1, fence.size(), id + " leads");
        elections.put(id, e);
        return fence.get(0);
    }

    private RolloutDriver driver(InMemoryRegistry r, long fence) {
        return new RolloutDriver(r, fence, clock, unit -> r.assignments().value().stream().filter(a -> a.unit().equals(unit)).toList());
    }

    private static String machineId(char c) {
        return String.valueOf(c).repeat(32);
    }

    private void join(char c) {
        String id = machineId(c);
        agents.put(id, client.register(new Machine(id, "127.0.0.1", Map.of(), "test"), TTL, "s-" + c, Duration.ZERO));
        ran.put(id, new ArrayList<>());
    }

    private void setUp(int machines) {
        for (int i = 0; i < machines; i++) {
            join((char) ('a' + i));
        }
        client.createUnit(new UnitRecord(G, OLD, hash(OLD), DesiredState.LAUNCHED));
        agentsFollow();
    }

    /** Each agent runs what DesiredSets gives it and publishes it active (or failed, if told). */
    private void agentsFollow() {
        UnitRecord record = client.unit(G).map(v -> v.value()).orElseThrow();
        String index = client.globalUnits().value().stream().filter(u -> u.name().equals(G)).findFirst().orElseThrow().hash();
        for (Map.Entry<String, MachinePresence> e : agents.entrySet()) {
            String m = e.getKey();
            Optional<Assignment> pin = client.assignments().value().stream()
                    .filter(a -> a.unit().equals(G) && a.machineId().equals(m)).findFirst();
            List<String> history = ran.get(m);
            String runs;
            if (pin.isPresent()) {
                // Held as it is while the record lacks the pin's text.
                runs = pin.get().hash().equals(record.hash()) ? pin.get().hash() : history.get(history.size() - 1);
            } else {
                runs = index;
            }
            if (history.isEmpty() || !history.get(history.size() - 1).equals(runs)) {
                history.add(runs);
            }
            String active = runs.equals(failing.get(m)) ? "failed" : "active";
            client.publishState(e.getValue(), new UnitState(m, G, runs, "loaded", active,
                    active.equals("active") ? "running" : "failed", 0, 0, 0));
        }
    }

    private Rollout rollout(boolean autoRevert, String... machines) {
        List<RolloutUnit> steps = new ArrayList<>();
        for (String m : machines) {
            steps.add(RolloutUnit.pendingOn(m, G, hash(OLD), hash(NEW)));
        }
        return new Rollout("g1", steps, Map.of(hash(OLD), OLD, hash(NEW), NEW),
                new RolloutSettings(1, Duration.ofSeconds(2), Duration.ofMinutes(1), autoRevert),
                Phase.RUNNING, Rollout.Request.NONE, "", clock.millis(), clock.millis());
    }

    private Rollout stored() {
        return client.rollout("g1").orElseThrow().value();
    }

    private List<String> pins() {
        return client.assignments().value().stream().filter(a -> a.unit().equals(G)).map(Assignment::machineId).sorted().toList();
    }

    private String index() {
        return client.globalUnits().value().get(0).hash();
    }

    /** Ticks, lets the agents follow and the clock run, until the rollout ends (bounded). */
    private int runToEnd(RolloutDriver d, int maxSteps) {
        for (int i = 0; i < maxSteps; i++) {
            boolean going = d.tick();
            agentsFollow();
            assertAtMostOneChanging();
            if (!going) {
                return i;
            }
            cluster.advance(Duration.ofSeconds(1));
        }
        throw new AssertionError("the rollout did not end in " + maxSteps + " steps: " + stored());
    }

    /** max_parallel 1: at most one machine is on the new hash without being healthy on it. */
    private void assertAtMostOneChanging() {
        long changing = stored().units().stream().filter(u -> u.step() == RolloutUnit.Step.UPDATING).count();
        assertTrue(changing <= 1, "at most one machine at a time: " + stored().units());
        long onNewUnhealthy = stored().units().stream().filter(u -> u.step() == RolloutUnit.Step.PENDING)
                .filter(u -> last(u.machine()).equals(hash(NEW))).count();
        assertEquals(0, onNewUnhealthy, "a machine not yet in a batch runs the old text: " + ran);
    }

    private String last(String machine) {
        List<String> h = ran.get(machine);
        return h.get(h.size() - 1);
    }

    private String[] ids(int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = machineId((char) ('a' + i));
        }
        return ids;
    }

    @Test
    void aGlobalRollsMachineByMachineAndEndsOnTheNewTextWithNoPinLeft() {
        long fence = lead(r1, "e1");
        setUp(3);
        client.createRollout(rollout(false, ids(3)));
        RolloutDriver d = driver(r1, fence);

        d.tick();
        agentsFollow();
        assertEquals(hash(NEW), client.unit(G).orElseThrow().value().hash(), "the record takes the new text first");
        assertEquals(hash(OLD), index(), "the agents still follow the old one");
        assertEquals(List.of(), pins(), "no pin before the record holds its text");
        d.tick();
        agentsFollow();
        assertEquals(List.of(ids(3)[0]), pins(), "the first machine is pinned at the new hash");
        assertEquals(hash(NEW), last(ids(3)[0]));
        assertEquals(hash(OLD), last(ids(3)[1]));

        runToEnd(d, 40);
        assertEquals(Phase.SUCCEEDED, stored().phase(), stored().reason());
        assertEquals(hash(NEW), index(), "the global takes the new text");
        assertEquals(List.of(), pins(), "the pins are gone");
        for (String m : ids(3)) {
            assertEquals(List.of(hash(OLD), hash(NEW)), ran.get(m), "each machine changed once: " + m);
        }
    }

    @Test
    void aNewLeaderFinishesAGlobalHalfWayWithoutPuttingAMachineBack() {
        long fence1 = lead(r1, "e1");
        setUp(3);
        client.createRollout(rollout(false, ids(3)));
        RolloutDriver first = driver(r1, fence1);
        for (int i = 0; i < 6 && pins().size() < 2; i++) {
            first.tick();
            agentsFollow();
            cluster.advance(Duration.ofSeconds(1));
        }
        assertEquals(2, pins().size(), "half-way: the first machine healthy, the second pinned");
        long recordAt = client.unit(G).orElseThrow().revision();

        elections.get("e1").close();
        cluster.awaitQuiet();
        long fence2 = lead(r2, "e2");
        RolloutDriver second = driver(r2, fence2);
        runToEnd(second, 40);
        assertEquals(Phase.SUCCEEDED, stored().phase(), stored().reason());
        assertTrue(client.unit(G).orElseThrow().revision() > recordAt, "the index write touches the record's key too");
        for (String m : ids(3)) {
            assertEquals(List.of(hash(OLD), hash(NEW)), ran.get(m), "no machine went back or changed twice: " + m);
        }
        assertEquals(List.of(), pins());
    }

    @Test
    void aFailureWithAutoRevertPutsTheChangedMachinesBackAndTheRestNeverChange() {
        long fence = lead(r1, "e1");
        setUp(3);
        client.createRollout(rollout(true, ids(3)));
        failing.put(ids(3)[1], hash(NEW));
        runToEnd(driver(r1, fence), 40);
        assertEquals(Phase.REVERTED, stored().phase(), stored().reason());
        assertTrue(stored().reason().contains(ids(3)[1]), stored().reason());
        assertEquals(hash(OLD), client.unit(G).orElseThrow().value().hash(), "the record is back on the old text");
        assertEquals(hash(OLD), index());
        assertEquals(List.of(), pins());
        assertEquals(List.of(hash(OLD), hash(NEW), hash(OLD)), ran.get(ids(3)[0]));
        assertEquals(List.of(hash(OLD), hash(NEW), hash(OLD)), ran.get(ids(3)[1]));
        assertEquals(List.of(hash(OLD)), ran.get(ids(3)[2]), "the third machine never changed");
    }

    @Test
    void aFailureWithoutAutoRevertStillLeavesTheGlobalOnOneText() {
        long fence = lead(r1, "e1");
        setUp(3);
        client.createRollout(rollout(false, ids(3)));
        failing.put(ids(3)[1], hash(NEW));
        runToEnd(driver(r1, fence), 40);
        assertEquals(Phase.FAILED, stored().phase());
        assertTrue(stored().reason().contains("back on the old text"), stored().reason());
        assertEquals(List.of(), pins());
        assertEquals(hash(OLD), index());
        ran.values().forEach(h -> assertEquals(hash(OLD), h.get(h.size() - 1)));
    }

    @Test
    void anAbortPutsTheChangedMachinesBack() {
        long fence = lead(r1, "e1");
        setUp(3);
        client.createRollout(rollout(false, ids(3)));
        RolloutDriver d = driver(r1, fence);
        for (int i = 0; i < 3; i++) {
            d.tick();
            agentsFollow();
        }
        assertEquals(List.of(ids(3)[0]), pins());
        assertTrue(client.requestRollout("g1", Rollout.Request.ABORT, client.rollout("g1").orElseThrow().revision()));
        runToEnd(d, 20);
        assertEquals(Phase.ABORTED, stored().phase());
        assertEquals(List.of(), pins());
        assertEquals(hash(OLD), client.unit(G).orElseThrow().value().hash());
        assertEquals(List.of(hash(OLD), hash(NEW), hash(OLD)), ran.get(ids(3)[0]));
    }

    @Test
    void aMachineThatLeavesIsPassedOverAndOneThatJoinsGetsTheNewTextAtTheEnd() {
        long fence = lead(r1, "e1");
        setUp(3);
        client.createRollout(rollout(false, ids(3)));
        RolloutDriver d = driver(r1, fence);
        d.tick();
        agentsFollow();
        d.tick();
        agentsFollow();
        assertEquals(List.of(ids(3)[0]), pins());
        // The second machine leaves before its turn; a fourth joins mid-rollout.
        agents.remove(ids(3)[1]).close();
        join('d');
        agentsFollow();
        assertEquals(List.of(hash(OLD)), ran.get(machineId('d')), "a machine joining mid-rollout runs the old text");
        runToEnd(d, 40);
        assertEquals(Phase.SUCCEEDED, stored().phase(), stored().reason());
        RolloutUnit left = stored().units().get(1);
        assertEquals(RolloutMachine.MACHINE_LEFT, left.detail());
        assertEquals(List.of(hash(OLD), hash(NEW)), ran.get(machineId('d')), "it takes the new text with the global, at the end");
        assertEquals(List.of(hash(OLD)), ran.get(ids(3)[1]), "the machine that left was never pinned");
        assertFalse(pins().contains(ids(3)[1]));
        assertEquals(List.of(), pins());
    }
}
