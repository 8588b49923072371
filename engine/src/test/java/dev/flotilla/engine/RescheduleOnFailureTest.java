package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Scheduler;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitFailure;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.InMemoryCluster;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.ManualClock;
import dev.flotilla.registry.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.flotilla.engine.PlannerTest.unit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RescheduleOnFailure= end to end in the engine, on the in-memory cluster whose manual clock the
 * engine reads too: the agents' part (publishing states) is played by the test. A move or a reset
 * happens only once the test moves the clock, so "not yet" is asserted before it does.
 */
class RescheduleOnFailureTest {
    private static final Duration TTL = Duration.ofMinutes(30);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String UNIT = "web.service";

    private final ManualClock clock = new ManualClock();
    private final InMemoryCluster cluster = InMemoryCluster.create(clock);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Registry r = client();
    private final Map<String, MachinePresence> machines = new HashMap<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        cluster.close();
    }

    private Registry client() {
        Registry c = cluster.connect();
        toClose.add(c);
        return c;
    }

    private static String id(char c) {
        return String.valueOf(c).repeat(32);
    }

    private void machines(char... ids) {
        for (char c : ids) {
            MachinePresence p = r.register(new Machine(id(c), "127.0.0.1", Map.of(), "t"), TTL, "s" + c, Duration.ZERO);
            toClose.add(p);
            machines.put(id(c), p);
        }
    }

    private Engine engine(Registry on, String candidate) {
        Engine e = Engine.start(on, on.leaderElection(candidate, TTL),
                new EngineOptions(Duration.ofSeconds(60), Duration.ZERO, Duration.ofMillis(5)), Scheduler.leastLoaded(),
                clock);
        toClose.add(e);
        return e;
    }

    private String machineOf(String unit) {
        return r.assignments().value().stream().filter(a -> a.unit().equals(unit)).map(Assignment::machineId)
                .findFirst().orElse(null);
    }

    private String placed(String unit) {
        return await().atMost(WAIT).until(() -> machineOf(unit), m -> m != null);
    }

    private void publish(String machine, String active) {
        UnitRecord u = r.unit(UNIT).orElseThrow().value();
        r.publishState(machines.get(machine), new UnitState(machine, UNIT, u.hash(), "loaded", active,
                active.equals("active") ? "running" : active, 0, 0, 0));
    }

    private UnitFailure recordWith(int failures) {
        return await().atMost(WAIT).until(() -> r.unitFailure(UNIT),
                f -> f.isPresent() && f.get().failedOn().size() == failures).orElseThrow();
    }

    /** Moves the clock a little at a time until the unit is on another machine than {@code from}. */
    private String movedFrom(String from) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            clock.advance(Duration.ofMillis(250));
            return machineOf(UNIT);
        }, m -> m != null && !m.equals(from));
    }

    private void create(String xfleet) {
        r.createUnit(unit(UNIT, xfleet, DesiredState.LAUNCHED));
    }

    @Test
    void aUnitThatFailsOnItsMachineMovesToAnotherAfterTheDelay() {
        machines('a', 'b');
        engine(r, "engine-1");
        create("RescheduleOnFailure=2");
        String first = placed(UNIT);
        publish(first, "failed");
        UnitFailure f = recordWith(1);
        assertEquals(1, f.attempts());
        assertEquals(clock.millis() + 1000, f.notBeforeMillis(), "the first move waits a second");
        assertEquals(first, machineOf(UNIT), "the clock has not moved: the unit is still where it failed");

        String second = movedFrom(first);
        assertTrue(clock.millis() >= f.notBeforeMillis());
        assertEquals(List.of(first), r.unitFailure(UNIT).orElseThrow().failedOn(), "the record stays until it is healthy");
        assertEquals(1, r.assignments().value().size(), "moved, not copied");
        assertTrue(second != null);
    }

    @Test
    void aUnitThatRunsHealthyForMinHealthyForgetsItsFailures() {
        machines('a', 'b');
        engine(r, "engine-1");
        create("RescheduleOnFailure=1");
        String first = placed(UNIT);
        publish(first, "failed");
        recordWith(1);
        String second = movedFrom(first);
        publish(second, "active");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            clock.advance(Duration.ofSeconds(1));
            return r.unitFailure(UNIT).isEmpty();
        });
        assertEquals(second, machineOf(UNIT), "a healthy unit stays where it is");
    }

    @Test
    void aUnitThatFailsEverywhereStopsMovingAfterItsAttempts() {
        machines('a', 'b', 'c');
        engine(r, "engine-1");
        create("RescheduleOnFailure=2");
        String m1 = placed(UNIT);
        publish(m1, "failed");
        recordWith(1);
        String m2 = movedFrom(m1);
        publish(m2, "failed");
        assertEquals(2, recordWith(2).attempts());
        String m3 = movedFrom(m2);
        publish(m3, "failed");
        UnitFailure last = recordWith(3);
        assertEquals(2, last.attempts(), "no more attempts than RescheduleOnFailure=");
        assertEquals(List.of(m1, m2, m3), last.failedOn());
        assertTrue(last.lastFailure().contains("no attempts left"), last.lastFailure());

        clock.advance(Duration.ofHours(1));
        // Another unit placed proves a pass ran after the clock moved.
        r.createUnit(unit("other.service", "", DesiredState.LAUNCHED));
        placed("other.service");
        assertEquals(m3, machineOf(UNIT), "it stays failed where it failed last, as fleet leaves it");
    }

    @Test
    void theNextLeaderKeepsTheAttemptsAndDoesNotCountAFailureTwice() {
        machines('a', 'b', 'c');
        Engine e1 = engine(r, "engine-1");
        create("RescheduleOnFailure=2");
        String m1 = placed(UNIT);
        publish(m1, "failed");
        recordWith(1);

        e1.close(); // resigns: the next engine takes over at once
        Registry other = client();
        engine(other, "engine-2");
        await().atMost(WAIT).until(() -> r.engineLeader().equals(Optional.of("engine-2")));
        String m2 = movedFrom(m1);
        assertEquals(1, r.unitFailure(UNIT).orElseThrow().attempts(), "the failure on " + m1 + " was counted once");
        publish(m2, "failed");
        UnitFailure f = recordWith(2);
        assertEquals(2, f.attempts(), "the new leader went on from the stored attempts");
        assertEquals(List.of(m1, m2), f.failedOn());
    }

    @Test
    void aUnitWithoutTheKeyStaysFailedAndTheEngineWatchesNoStates() {
        machines('a', 'b');
        engine(r, "engine-1");
        create("");
        String first = placed(UNIT);
        publish(first, "failed");
        clock.advance(Duration.ofMinutes(5));
        r.createUnit(unit("other.service", "", DesiredState.LAUNCHED));
        placed("other.service");
        assertEquals(first, machineOf(UNIT));
        assertEquals(List.of(), r.unitFailures().value());
    }

    @Test
    void stoppingTheUnitForgetsItsFailures() {
        machines('a', 'b');
        engine(r, "engine-1");
        create("RescheduleOnFailure=3");
        String first = placed(UNIT);
        publish(first, "failed");
        recordWith(1);
        r.setDesiredState(UNIT, DesiredState.LOADED);
        await().atMost(WAIT).until(() -> r.unitFailure(UNIT).isEmpty());
    }
}
