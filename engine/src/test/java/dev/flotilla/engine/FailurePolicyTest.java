package dev.flotilla.engine;

import dev.flotilla.engine.FailurePolicy.Action;
import dev.flotilla.engine.FailurePolicy.Healthy;
import dev.flotilla.engine.FailurePolicy.Observed;
import dev.flotilla.engine.FailurePolicy.Outcome;
import dev.flotilla.model.UnitFailure;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RescheduleOnFailure= decided without I/O: each row is a record, what the machine published, the clock. */
class FailurePolicyTest {
    private final ManualClock clock = new ManualClock();
    private final FailurePolicy policy = new FailurePolicy(FailurePolicy.MIN_HEALTHY);

    private long now() {
        return clock.millis();
    }

    private static UnitState state(String machine, String active, int restarts) {
        return new UnitState(machine, "a.service", "h1", "loaded", active, active.equals("active") ? "running" : active,
                0, restarts, 0);
    }

    private static Observed on(String machine, String active) {
        return new Observed("a.service", "h1", 2, true, machine, state(machine, active, 0));
    }

    private UnitFailure stored(Outcome o) {
        return assertInstanceOf(Action.Store.class, o.action()).failure();
    }

    @Test
    void theFirstFailureCountsAnAttemptAndTheMoveIsDueAfterTheFirstDelay() {
        Outcome o = policy.decide(null, null, on("m1", "failed"), now());
        UnitFailure f = stored(o);
        assertEquals(1, f.attempts());
        assertEquals(List.of("m1"), f.failedOn());
        assertEquals("failed on m1 (failed/failed)", f.lastFailure());
        assertEquals(now() + 1000, f.notBeforeMillis());
        assertEquals(now() + 1000, o.wakeAtMillis(), "the engine looks again when the move falls due");
        assertEquals(Set.of(), FailurePolicy.avoid(f, "m1", now()), "not due yet: it stays on m1");
        clock.advance(Duration.ofMillis(999));
        assertEquals(Set.of(), FailurePolicy.avoid(f, "m1", now()));
        clock.advance(Duration.ofMillis(1));
        assertEquals(Set.of("m1"), FailurePolicy.avoid(f, "m1", now()), "due: the scheduler moves it off m1");
    }

    @Test
    void theSameFailureHeardAgainIsNotCountedTwice() {
        UnitFailure f = stored(policy.decide(null, null, on("m1", "failed"), now()));
        clock.advance(Duration.ofSeconds(5));
        Outcome again = policy.decide(f, null, on("m1", "failed"), now());
        assertEquals(FailurePolicy.NONE, again.action());
    }

    @Test
    void aFailureOnTheNextMachineCountsTheSecondAttemptWithTwiceTheDelay() {
        UnitFailure f = stored(policy.decide(null, null, on("m1", "failed"), now()));
        clock.advance(Duration.ofSeconds(3));
        UnitFailure g = stored(policy.decide(f, null, on("m2", "failed"), now()));
        assertEquals(2, g.attempts());
        assertEquals(List.of("m1", "m2"), g.failedOn());
        assertEquals(now() + 2000, g.notBeforeMillis());
        assertEquals(Set.of("m1"), FailurePolicy.avoid(g, "m2", now()), "m1 stays avoided while m2 waits");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Set.of("m1", "m2"), FailurePolicy.avoid(g, "m2", now()));
    }

    @Test
    void withNoAttemptsLeftTheUnitStaysFailedWhereItIsAndTheRecordSaysSo() {
        UnitFailure g = new UnitFailure("a.service", "h1", 2, List.of("m1", "m2"), "failed on m2", 0, 2000);
        clock.advance(Duration.ofSeconds(10));
        UnitFailure h = stored(policy.decide(g, null, on("m3", "failed"), now()));
        assertEquals(2, h.attempts(), "never more attempts than RescheduleOnFailure=");
        assertEquals(List.of("m1", "m2", "m3"), h.failedOn());
        assertEquals("failed on m3 (failed/failed); no attempts left, it stays there", h.lastFailure());
        assertEquals(Set.of("m1", "m2"), FailurePolicy.avoid(h, "m3", now() + 3_600_000), "never due");
        assertEquals(FailurePolicy.NONE, policy.decide(h, null, on("m3", "failed"), now()).action());
    }

    @ParameterizedTest(name = "attempt {0}: {1} ms")
    @CsvSource({"1, 1000", "2, 2000", "3, 4000", "6, 32000", "7, 60000", "50, 60000"})
    void theDelayDoublesUpToAMinute(int attempt, long millis) {
        assertEquals(Duration.ofMillis(millis), FailurePolicy.delay(attempt));
    }

    @Test
    void activeForMinHealthyWithNoRestartClearsTheRecord() {
        UnitFailure f = new UnitFailure("a.service", "h1", 1, List.of("m1"), "failed on m1", 0, 1000);
        clock.advance(Duration.ofSeconds(2));
        Outcome first = policy.decide(f, null, on("m2", "active"), now());
        assertEquals(FailurePolicy.NONE, first.action());
        assertEquals(new Healthy("m2", now(), 0), first.healthy());
        assertEquals(now() + 10_000, first.wakeAtMillis());
        clock.advance(Duration.ofMillis(9_999));
        assertEquals(FailurePolicy.NONE, policy.decide(f, first.healthy(), on("m2", "active"), now()).action());
        clock.advance(Duration.ofMillis(1));
        assertEquals(new Action.Clear("a.service"), policy.decide(f, first.healthy(), on("m2", "active"), now()).action());
    }

    @Test
    void aRestartByRestartEqualsStartsTheHealthyTimeAgain() {
        UnitFailure f = new UnitFailure("a.service", "h1", 1, List.of("m1"), "failed on m1", 0, 1000);
        Healthy since = policy.decide(f, null, on("m2", "active"), now()).healthy();
        clock.advance(Duration.ofSeconds(10));
        Observed restarted = new Observed("a.service", "h1", 2, true, "m2", state("m2", "active", 1));
        Outcome o = policy.decide(f, since, restarted, now());
        assertEquals(FailurePolicy.NONE, o.action());
        assertEquals(new Healthy("m2", now(), 1), o.healthy());
    }

    @Test
    void notActiveForgetsTheHealthyTime() {
        UnitFailure f = new UnitFailure("a.service", "h1", 1, List.of("m1"), "failed on m1", 0, 1000);
        Healthy since = policy.decide(f, null, on("m2", "active"), now()).healthy();
        clock.advance(Duration.ofSeconds(5));
        assertNull(policy.decide(f, since, on("m2", "activating"), now()).healthy());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "a new text,              h2, 2, true",
            "stopped or unloaded,     h1, 2, false",
            "RescheduleOnFailure=0,   h1, 0, true",
    })
    void theRecordIsForgotten(String why, String hash, int limit, boolean launched) {
        UnitFailure f = new UnitFailure("a.service", "h1", 1, List.of("m1"), "failed on m1", 0, 1000);
        Observed o = new Observed("a.service", hash, limit, launched, "m1", state("m1", "failed", 0));
        assertEquals(new Action.Clear("a.service"), policy.decide(f, null, o, now()).action());
        assertEquals(new Action.Clear("a.service"), FailurePolicy.gone("a.service", f).action());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "another machine's state,  m2, h1, failed",
            "an older text's state,    m1, h0, failed",
            "still retrying,           m1, h1, activating",
            "inactive,                 m1, h1, inactive",
    })
    void notAFailureOfTheUnitWhereItIs(String why, String stateMachine, String stateHash, String active) {
        UnitState s = new UnitState(stateMachine, "a.service", stateHash, "loaded", active, active, 0, 0, 0);
        Outcome o = policy.decide(null, null, new Observed("a.service", "h1", 2, true, "m1", s), now());
        assertEquals(FailurePolicy.NONE, o.action());
    }

    @Test
    void aUnitWithoutRescheduleOnFailureIsNeverRecorded() {
        Observed o = new Observed("a.service", "h1", 0, true, "m1", state("m1", "failed", 0));
        assertEquals(FailurePolicy.NONE, policy.decide(null, null, o, now()).action());
    }
}
