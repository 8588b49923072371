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
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.registry.InMemoryCluster;
import dev.flotilla.registry.InMemoryRegistry;
import dev.flotilla.registry.LeaderElection;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.ManualClock;
import dev.flotilla.registry.Rollouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver against the in-memory cluster on a manual clock: a rollout of four units on one
 * machine whose "agent" the test plays (it publishes the states), through a failover half-way.
 */
class RolloutDriverTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final String OLD = "[Service]\nExecStart=/bin/sleep 1000\n";
    private static final String NEW = "[Service]\nExecStart=/bin/sleep 2000\n";
    private static final List<String> UNITS = List.of("web@1.service", "web@2.service", "web@3.service", "web@4.service");

    private final ManualClock clock = new ManualClock();
    private final InMemoryCluster cluster = InMemoryCluster.create(clock);
    private final InMemoryRegistry r1 = cluster.connect();
    private final InMemoryRegistry r2 = cluster.connect();
    private final InMemoryRegistry client = cluster.connect();
    private MachinePresence agent;

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

    private final Map<String, LeaderElection> elections = new HashMap<>();

    private RolloutDriver driver(InMemoryRegistry r, long fence) {
        return new RolloutDriver(r, fence, clock, unit -> r.assignments().value().stream().filter(a -> a.unit().equals(unit)).toList());
    }

    private void setUp(long fence) {
        agent = client.register(new Machine("m".repeat(32), "127.0.0.1", Map.of(), "test"), TTL, "s", Duration.ZERO);
        List<AssignmentChange> assigns = new ArrayList<>();
        for (String u : UNITS) {
            client.createUnit(new UnitRecord(u, OLD, hash(OLD), DesiredState.LAUNCHED));
            assigns.add(new AssignmentChange.Assign(new Assignment(agent.machine().id(), u, hash(OLD))));
            publish(u, hash(OLD), "active");
        }
        assertTrue(client.applyAssignments(fence, assigns));
    }

    /** What the agent would publish. */
    private void publish(String unit, String hash, String active) {
        client.publishState(agent, new UnitState(agent.machine().id(), unit, hash, "loaded", active,
                active.equals("active") ? "running" : active, 0, 0, 0));
    }

    /** The agent follows the texts: each unit whose record has a new hash is active on it. */
    private void agentFollows() {
        for (String u : UNITS) {
            publish(u, client.unit(u).orElseThrow().value().hash(), "active");
        }
    }

    private Rollout rollout(int maxParallel, boolean autoRevert) {
        List<RolloutUnit> us = UNITS.stream().map(u -> RolloutUnit.pending(u, hash(OLD), hash(NEW))).toList();
        return new Rollout("r1", us, Map.of(hash(OLD), OLD, hash(NEW), NEW),
                new RolloutSettings(maxParallel, Duration.ofSeconds(2), Duration.ofMinutes(1), autoRevert),
                Phase.RUNNING, Rollout.Request.NONE, "", clock.millis(), clock.millis());
    }

    private Map<String, Long> unitRevisions() {
        Map<String, Long> revisions = new HashMap<>();
        UNITS.forEach(u -> revisions.put(u, client.unit(u).orElseThrow().revision()));
        return revisions;
    }

    private List<String> onNew() {
        return UNITS.stream().filter(u -> client.unit(u).orElseThrow().value().hash().equals(hash(NEW))).toList();
    }

    private Rollout stored() {
        return client.rollout("r1").orElseThrow().value();
    }

    @Test
    void aNewLeaderFinishesARolloutHalfWayAndWritesNothingTwice() {
        long fence1 = lead(r1, "e1");
        setUp(fence1);
        assertInstanceOf(Rollouts.Creation.Created.class, client.createRollout(rollout(2, false)));
        RolloutDriver first = driver(r1, fence1);

        assertTrue(first.tick());
        assertEquals(UNITS.subList(0, 2), onNew(), "the first batch");
        agentFollows();
        first.tick();
        cluster.advance(Duration.ofSeconds(2));
        first.tick();
        assertEquals(UNITS, onNew(), "the second batch after the first was healthy for 2 s");
        Map<String, Long> halfWay = unitRevisions();

        // Failover: the first leader resigns; its driver's writes are refused from now on.
        elections.get("e1").close();
        cluster.awaitQuiet();
        long fence2 = lead(r2, "e2");
        long recordAt = client.rollout("r1").orElseThrow().revision();
        agentFollows();
        cluster.advance(Duration.ofSeconds(5));
        first.tick();
        assertEquals(recordAt, client.rollout("r1").orElseThrow().revision(), "the deposed leader writes nothing");

        RolloutDriver second = driver(r2, fence2);
        second.tick();
        assertEquals(Phase.RUNNING, stored().phase(), "the new leader times health on its own clock: from now");
        assertEquals(halfWay, unitRevisions(), "no text is written again");
        cluster.advance(Duration.ofSeconds(2));
        assertFalse(second.tick(), "the rollout ended");
        assertEquals(Phase.SUCCEEDED, stored().phase());
        assertEquals(halfWay, unitRevisions(), "each unit was written exactly once");
        assertInstanceOf(Rollouts.Creation.Created.class, client.createRollout(
                new Rollout("r2", rollout(1, false).units(), rollout(1, false).texts(), RolloutSettings.DEFAULT,
                        Phase.RUNNING, Rollout.Request.NONE, "", 0, 0)), "the units are free again");
    }

    @Test
    void aSecondRolloutOfAUnitIsRefusedNamingTheFirst() {
        lead(r1, "e1");
        assertInstanceOf(Rollouts.Creation.Created.class, client.createRollout(rollout(1, false)));
        Rollout other = new Rollout("r2", List.of(RolloutUnit.pending("web@3.service", "x", "y")), Map.of("y", NEW),
                RolloutSettings.DEFAULT, Phase.RUNNING, Rollout.Request.NONE, "", 0, 0);
        assertEquals(new Rollouts.Creation.Busy("web@3.service", "r1"), client.createRollout(other));
    }

    @Test
    void aFailureWithAutoRevertPutsTheFirstBatchBackAndTheRestNeverChange() {
        long fence = lead(r1, "e1");
        setUp(fence);
        client.createRollout(rollout(2, true));
        Map<String, Long> before = unitRevisions();
        RolloutDriver d = driver(r1, fence);
        d.tick();
        publish(UNITS.get(0), hash(NEW), "active");
        publish(UNITS.get(1), hash(NEW), "failed");
        d.tick();
        assertEquals(Phase.REVERTING, stored().phase());
        assertEquals(List.of(), onNew(), "both changed units have the old text back");
        agentFollows();
        d.tick();
        assertEquals(Phase.REVERTED, stored().phase());
        assertEquals(before.get(UNITS.get(2)), unitRevisions().get(UNITS.get(2)), "the rest were never written");
        assertEquals(before.get(UNITS.get(3)), unitRevisions().get(UNITS.get(3)));
    }

    @Test
    void aClientsPauseIsCarriedOutAtTheNextTick() {
        long fence = lead(r1, "e1");
        setUp(fence);
        client.createRollout(rollout(1, false));
        RolloutDriver d = driver(r1, fence);
        d.tick();
        long at = client.rollout("r1").orElseThrow().revision();
        assertTrue(client.requestRollout("r1", Rollout.Request.PAUSE, at));
        agentFollows();
        d.tick();
        assertEquals(Phase.PAUSED, stored().phase());
        cluster.advance(Duration.ofSeconds(5));
        d.tick();
        assertEquals(1, onNew().size(), "no second batch while paused");
        assertTrue(client.requestRollout("r1", Rollout.Request.ABORT, client.rollout("r1").orElseThrow().revision()));
        d.tick();
        assertEquals(Phase.ABORTED, stored().phase());
        assertEquals(1, onNew().size());
    }

    @Test
    void endedRolloutsBeyondTheKeptFewAreDeleted() {
        long fence = lead(r1, "e1");
        for (int i = 0; i < RolloutDriver.ENDED_KEPT + 3; i++) {
            Rollout r = new Rollout("old" + i, List.of(RolloutUnit.pending("u" + i + ".service", "a", "b")), Map.of("b", NEW),
                    RolloutSettings.DEFAULT, Phase.RUNNING, Rollout.Request.NONE, "", i, i);
            client.createRollout(r);
            long at = client.rollout(r.id()).orElseThrow().revision();
            client.advanceRollout(fence, r.withPhase(Phase.ABORTED, "", i), at, true);
        }
        driver(r1, fence).tick();
        assertEquals(RolloutDriver.ENDED_KEPT, client.rollouts().size());
        assertTrue(client.rollout("old0").isEmpty(), "the oldest went");
    }
}
