package dev.flotilla.engine;

import dev.flotilla.engine.RolloutMachine.Effect;
import dev.flotilla.engine.RolloutMachine.Observed;
import dev.flotilla.engine.RolloutMachine.Progress;
import dev.flotilla.engine.RolloutMachine.Transition;
import dev.flotilla.model.Rollout;
import dev.flotilla.model.Rollout.Phase;
import dev.flotilla.model.RolloutSettings;
import dev.flotilla.model.RolloutUnit;
import dev.flotilla.model.RolloutUnit.Step;
import dev.flotilla.model.UnitState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rollout's steps, transition by transition, without I/O: a cluster of four units simulated in maps. */
class RolloutMachineTest {
    private static final long MIN_HEALTHY = 10_000;
    private static final long DEADLINE = 60_000;
    private final Map<String, String> hashes = new HashMap<>();
    private final Map<String, UnitState> states = new HashMap<>();
    private long now = 1_000_000;
    private Progress progress;
    private Transition last;

    private void start(int maxParallel, boolean autoRevert, String... units) {
        List<RolloutUnit> us = new java.util.ArrayList<>();
        for (String u : units) {
            us.add(RolloutUnit.pending(u, "old", "new"));
            hashes.put(u, "old");
            active(u, "old", 0);
        }
        progress = Progress.of(new Rollout("r1", us, Map.of("old", "a", "new", "b"),
                new RolloutSettings(maxParallel, Duration.ofMillis(MIN_HEALTHY), Duration.ofMillis(DEADLINE), autoRevert),
                Phase.RUNNING, Rollout.Request.NONE, "", now, now));
    }

    private void active(String unit, String hash, int restarts) {
        states.put(unit, new UnitState("m1", unit, hash, "loaded", "active", "running", 0, restarts, 0));
    }

    private void failed(String unit, String hash) {
        states.put(unit, new UnitState("m1", unit, hash, "loaded", "failed", "failed", 0, 0, 0));
    }

    /** One step; the text writes it asks for land at once (as the driver does them). */
    private Transition step() {
        last = RolloutMachine.next(progress, new Observed(now, Map.copyOf(hashes), Map.copyOf(states)));
        progress = last.progress();
        last.effects().forEach(e -> {
            if (e instanceof Effect.WriteText w) {
                hashes.put(w.unit(), w.hash());
            }
        });
        return last;
    }

    private Rollout r() {
        return progress.rollout();
    }

    private Step stepOf(String unit) {
        return r().units().stream().filter(u -> u.name().equals(unit)).findFirst().orElseThrow().step();
    }

    private List<String> written() {
        return last.effects().stream().filter(e -> e instanceof Effect.WriteText).map(e -> ((Effect.WriteText) e).unit()).toList();
    }

    private void pass(long millis) {
        now += millis;
    }

    @Test
    void rollsBatchByBatchWaitingForHealthThenSucceeds() {
        start(2, false, "a", "b", "c", "d");
        step();
        assertEquals(List.of("a", "b"), written(), "the first batch gets the new text");
        assertEquals(Step.UPDATING, stepOf("a"));
        assertEquals(Step.PENDING, stepOf("c"));
        assertTrue(last.effects().get(0) instanceof Effect.Save, "the record is saved before the texts are written");

        active("a", "new", 0);
        active("b", "new", 0);
        step();
        pass(MIN_HEALTHY - 1);
        step();
        assertEquals(Step.UPDATING, stepOf("a"), "not healthy before min_healthy");
        assertEquals(List.of(), written());
        pass(1);
        step();
        assertEquals(Step.HEALTHY, stepOf("a"));
        assertEquals(List.of("c", "d"), written(), "the next batch starts once the first is healthy");

        active("c", "new", 0);
        active("d", "new", 0);
        step();
        pass(MIN_HEALTHY);
        step();
        assertEquals(Phase.SUCCEEDED, r().phase());
        assertTrue(last.effects().stream().anyMatch(e -> e instanceof Effect.Release), "an ended rollout frees its units");
        assertEquals(List.of(), step().effects(), "an ended rollout does nothing more");
    }

    @Test
    void aRestartStartsTheHealthClockAgain() {
        start(1, false, "a");
        step();
        active("a", "new", 0);
        step();
        pass(MIN_HEALTHY - 1000);
        active("a", "new", 1);
        step();
        pass(2000);
        step();
        assertEquals(Step.UPDATING, stepOf("a"), "restarted 1 s ago: not yet healthy");
        pass(MIN_HEALTHY);
        step();
        assertEquals(Step.HEALTHY, stepOf("a"));
    }

    @Test
    void theOldStateDoesNotCount() {
        start(1, false, "a");
        step();
        pass(MIN_HEALTHY * 2);
        step();
        assertEquals(Step.UPDATING, stepOf("a"), "active on the old hash is not health of the new text");
    }

    @Test
    void systemdsStateChangeTimeCountsWhenPublished() {
        start(1, false, "a");
        step();
        pass(MIN_HEALTHY);
        // active for 10 s already by systemd's clock when the engine first sees it
        states.put("a", new UnitState("m1", "a", "new", "loaded", "active", "running", 0, 0, (now - MIN_HEALTHY) * 1000));
        step();
        assertEquals(Step.HEALTHY, stepOf("a"));
    }

    @Test
    void aFailedUnitStopsTheRollout() {
        start(2, false, "a", "b", "c");
        step();
        failed("a", "new");
        step();
        assertEquals(Phase.FAILED, r().phase());
        assertEquals(Step.FAILED, stepOf("a"));
        assertTrue(r().reason().startsWith("a failed on m1"), r().reason());
        assertEquals(Step.PENDING, stepOf("c"), "the rest never changed");
        assertEquals("old", hashes.get("c"));
        assertTrue(last.effects().stream().anyMatch(e -> e instanceof Effect.Release));
    }

    @Test
    void aUnitPastItsDeadlineFails() {
        start(1, false, "a", "b");
        step();
        states.put("a", new UnitState("m1", "a", "new", "loaded", "activating", "auto-restart", 0, 3, 0));
        pass(DEADLINE - 1);
        step();
        assertEquals(Phase.RUNNING, r().phase());
        pass(1);
        step();
        assertEquals(Phase.FAILED, r().phase());
        assertTrue(r().reason().contains("not healthy within 60 s"), r().reason());
        assertTrue(r().reason().contains("activating/auto-restart"), r().reason());
    }

    @Test
    void autoRevertPutsTheChangedUnitsBackAndLeavesTheRest() {
        start(2, true, "a", "b", "c", "d");
        step();
        active("a", "new", 0);
        failed("b", "new");
        step();
        assertEquals(Phase.REVERTING, r().phase());
        assertEquals(List.of("a", "b"), written(), "both changed units get the old text back");
        assertEquals("old", hashes.get("a"));
        assertEquals("old", hashes.get("c"));
        assertEquals(Step.PENDING, stepOf("c"));
        step();
        assertEquals(Phase.REVERTING, r().phase(), "until each is active on the old hash");
        active("a", "old", 0);
        active("b", "old", 0);
        step();
        assertEquals(Phase.REVERTED, r().phase());
        assertTrue(r().reason().startsWith("b failed"), r().reason());
        assertEquals(Step.REVERTED, stepOf("a"));
    }

    @Test
    void aRevertThatFailsEndsFailed() {
        start(1, true, "a");
        step();
        failed("a", "new");
        step();
        failed("a", "old");
        step();
        assertEquals(Phase.FAILED, r().phase());
        assertTrue(r().reason().contains("revert of a"), r().reason());
    }

    @Test
    void pauseHoldsTheNextBatchAndResumeGoesOn() {
        start(1, false, "a", "b");
        step();
        progress = new Progress(r().withRequest(Rollout.Request.PAUSE), progress.watches());
        active("a", "new", 0);
        step();
        assertEquals(Phase.PAUSED, r().phase());
        assertEquals(Rollout.Request.NONE, r().request(), "the request is carried out once");
        pass(MIN_HEALTHY);
        step();
        assertEquals(Step.HEALTHY, stepOf("a"), "a unit already changing is still watched");
        assertEquals(Step.PENDING, stepOf("b"), "no new batch while paused");
        progress = new Progress(r().withRequest(Rollout.Request.RESUME), progress.watches());
        step();
        assertEquals(Phase.RUNNING, r().phase());
        assertEquals(List.of("b"), written());
    }

    @Test
    void abortStopsWhereItIs() {
        start(1, true, "a", "b");
        step();
        progress = new Progress(r().withRequest(Rollout.Request.ABORT), progress.watches());
        step();
        assertEquals(Phase.ABORTED, r().phase());
        assertEquals(List.of(), written(), "nothing is written or reverted");
        assertEquals("new", hashes.get("a"));
        assertEquals("old", hashes.get("b"));
        assertTrue(last.effects().stream().anyMatch(e -> e instanceof Effect.Release));
    }

    @Test
    void aRequestThatDoesNotFitThePhaseIsDropped() {
        start(1, false, "a");
        progress = new Progress(progress.rollout().withRequest(Rollout.Request.RESUME), Map.of());
        step();
        assertEquals(Phase.RUNNING, r().phase());
        assertEquals(Rollout.Request.NONE, r().request());
    }

    @Test
    void aUnitChangedOutsideTheRolloutFailsIt() {
        start(1, false, "a", "b");
        step();
        hashes.put("b", "someone-else");
        step();
        assertEquals(Phase.FAILED, r().phase());
        assertTrue(r().reason().contains("changed outside the rollout"), r().reason());
    }

    @Test
    void aDeletedUnitFailsIt() {
        start(1, false, "a");
        step();
        hashes.remove("a");
        step();
        assertEquals(Phase.FAILED, r().phase());
        assertTrue(r().reason().contains("deleted"), r().reason());
    }

    @Test
    void aTextNotYetWrittenIsAskedForAgain() {
        // A leader saved the record and died before the texts were written: the next asks again.
        start(2, false, "a", "b");
        step();
        hashes.put("a", "old");
        hashes.put("b", "old");
        Progress fresh = Progress.of(r());
        progress = fresh;
        step();
        assertEquals(List.of("a", "b"), written());
        step();
        assertEquals(List.of(), written(), "a text that holds is not written again");
        assertTrue(last.effects().isEmpty(), "nothing changed: no write at all");
    }

    /** A global on two machines, step by step: the order of its writes, each waiting for the one before. */
    @Test
    void aGlobalsRecordComesBeforeItsPinsAndItsIndexBeforeTheyGo() {
        Map<String, String> index = new HashMap<>(Map.of("g.service", "old"));
        Map<String, String> pins = new HashMap<>();
        hashes.put("g.service", "old");
        Rollout g = new Rollout("g1", List.of(RolloutUnit.pendingOn("m1", "g.service", "old", "new"),
                RolloutUnit.pendingOn("m2", "g.service", "old", "new")), Map.of("old", "a", "new", "b"),
                new RolloutSettings(1, Duration.ofMillis(MIN_HEALTHY), Duration.ofMillis(DEADLINE), false),
                Phase.RUNNING, Rollout.Request.NONE, "", now, now);
        progress = Progress.of(g);
        java.util.function.Supplier<List<Effect>> globalStep = () -> {
            last = RolloutMachine.next(progress, new Observed(now, Map.copyOf(hashes), Map.copyOf(states), Map.copyOf(index),
                    Map.copyOf(pins), java.util.Set.of("m1", "m2")));
            progress = last.progress();
            List<Effect> effects = last.effects().stream().filter(e -> !(e instanceof Effect.Save)).toList();
            for (Effect e : effects) {
                if (e instanceof Effect.WriteText w) {
                    hashes.put(w.unit(), w.hash());
                    if (!w.recordOnly()) {
                        index.put(w.unit(), w.hash());
                    }
                } else if (e instanceof Effect.Pin p) {
                    pins.put(RolloutUnit.keyOf(p.unit(), p.machine()), p.hash());
                } else if (e instanceof Effect.Unpin u) {
                    pins.remove(RolloutUnit.keyOf(u.unit(), u.machine()));
                }
            }
            return effects;
        };
        assertEquals(List.of(new Effect.WriteText("g.service", "new", true)), globalStep.get(), "the record alone first");
        assertEquals(List.of(new Effect.Pin("g.service", "m1", "new")), globalStep.get(), "then the first machine's pin");
        assertEquals(List.of(), globalStep.get(), "nothing is written twice");
        states.put("g.service on m1", new UnitState("m1", "g.service", "new", "loaded", "active", "running", 0, 0, 0));
        globalStep.get();
        pass(MIN_HEALTHY);
        assertEquals(List.of(new Effect.Pin("g.service", "m2", "new")), globalStep.get(), "m1 healthy: m2's turn");
        states.put("g.service on m2", new UnitState("m2", "g.service", "new", "loaded", "active", "running", 0, 0, 0));
        globalStep.get();
        pass(MIN_HEALTHY);
        assertEquals(List.of(new Effect.WriteText("g.service", "new", false)), globalStep.get(), "all healthy: the index moves");
        assertEquals(Phase.RUNNING, r().phase(), "not done while pins are left");
        assertEquals(java.util.Set.of(new Effect.Unpin("g.service", "m1"), new Effect.Unpin("g.service", "m2")),
                java.util.Set.copyOf(globalStep.get()), "the pins go once the index is seen at the new hash");
        globalStep.get();
        assertEquals(Phase.SUCCEEDED, r().phase());
    }
}
