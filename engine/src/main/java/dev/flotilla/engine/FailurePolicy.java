package dev.flotilla.engine;

import dev.flotilla.model.UnitFailure;
import dev.flotilla.model.UnitState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code RescheduleOnFailure=N} as a pure function: a unit's failure record, what its machine last
 * published and the clock in, what to store and where it may run out. No I/O.
 *
 * <ul>
 *   <li><b>Failure.</b> The unit's machine publishes {@code failed} (systemd shows activating or
 *       auto-restart while its own {@code Restart=} still tries, so failed means it gave up). The
 *       machine joins {@code failedOn}. With attempts left the attempt is counted and the move is due
 *       after {@link #delay}: 1 s, 2 s, 4 s, ... doubling, at most {@link #MAX_DELAY}. Without, the
 *       unit stays failed where it is (fleet's behaviour) and the record only says so.</li>
 *   <li><b>Counted once.</b> A failure on a machine already in {@code failedOn} is not counted again:
 *       the same failed state heard twice (a watch listed anew, a new leader) changes nothing.</li>
 *   <li><b>Where.</b> {@link #avoid}: the machines it failed on, except the one it is on while its
 *       move is not due (the delay, or no attempts left): so the scheduler moves it exactly when due
 *       and never back to a machine it failed on.</li>
 *   <li><b>Healthy.</b> Active, with systemd's restart count unchanged, on its machine for
 *       {@link #minHealthy}: the record is cleared and the attempts start over.</li>
 *   <li><b>Forgotten.</b> A new text, a desired state other than launched (the user stopped or
 *       unloaded it), {@code RescheduleOnFailure=0} or no unit at all: the record is cleared.</li>
 * </ul>
 */
final class FailurePolicy {
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(60);
    /** As a rollout's default {@code min_healthy}. */
    static final Duration MIN_HEALTHY = Duration.ofSeconds(10);

    private final long minHealthyMillis;

    FailurePolicy(Duration minHealthy) {
        this.minHealthyMillis = minHealthy.toMillis();
    }

    /**
     * A RescheduleOnFailure unit as the engine sees it now.
     *
     * @param limit      its RescheduleOnFailure=
     * @param launched   its desired state is launched
     * @param machine    the machine it is assigned to, or null
     * @param state      what that machine published of it, or null
     */
    record Observed(String unit, String hash, int limit, boolean launched, String machine, UnitState state) {
        Observed {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(hash, "hash");
        }
    }

    /** Since when the unit has been active on a machine, with which restart count (kept in memory only). */
    record Healthy(String machine, long sinceMillis, int restarts) {
    }

    /** What to do about one unit. */
    sealed interface Action {
        record None() implements Action {
        }

        record Store(UnitFailure failure) implements Action {
        }

        record Clear(String unit) implements Action {
        }
    }

    static final Action NONE = new Action.None();

    /**
     * @param action    the write to make (the record, if stored, is the unit's record from then on)
     * @param healthy   the unit's healthy tracking from now on (null: not active)
     * @param wakeAtMillis when to look at the unit again even if nothing changes, or {@link Long#MAX_VALUE}
     */
    record Outcome(Action action, Healthy healthy, long wakeAtMillis) {
    }

    /** For a unit the engine no longer schedules (destroyed): its record goes. */
    static Outcome gone(String unit, UnitFailure record) {
        return new Outcome(record == null ? NONE : new Action.Clear(unit), null, Long.MAX_VALUE);
    }

    Outcome decide(UnitFailure record, Healthy healthy, Observed o, long nowMillis) {
        if (record != null && (o.limit() == 0 || !o.launched() || !record.hash().equals(o.hash()))) {
            return new Outcome(new Action.Clear(o.unit()), null, Long.MAX_VALUE);
        }
        UnitState s = o.state();
        boolean current = s != null && o.machine() != null && o.machine().equals(s.machineId())
                && (s.hash().isEmpty() || s.hash().equals(o.hash()));
        if (!o.launched() || o.limit() == 0 || !current) {
            return new Outcome(NONE, null, wakeFor(record, o, nowMillis));
        }
        if ("failed".equals(s.activeState())) {
            Action a = failed(record, o, s, nowMillis);
            UnitFailure after = a instanceof Action.Store st ? st.failure() : record;
            return new Outcome(a, null, wakeFor(after, o, nowMillis));
        }
        if (record == null || !"active".equals(s.activeState())) {
            return new Outcome(NONE, null, wakeFor(record, o, nowMillis));
        }
        if (healthy == null || !healthy.machine().equals(o.machine()) || healthy.restarts() != s.restarts()) {
            healthy = new Healthy(o.machine(), nowMillis, s.restarts());
        }
        long healthyAt = healthy.sinceMillis() + minHealthyMillis;
        if (nowMillis >= healthyAt) {
            return new Outcome(new Action.Clear(o.unit()), null, Long.MAX_VALUE);
        }
        return new Outcome(NONE, healthy, Math.min(healthyAt, wakeFor(record, o, nowMillis)));
    }

    private static Action failed(UnitFailure record, Observed o, UnitState s, long nowMillis) {
        String machine = o.machine();
        if (record != null && record.failedOn().contains(machine)) {
            return NONE; // counted already
        }
        List<String> failedOn = new ArrayList<>(record == null ? List.of() : record.failedOn());
        failedOn.add(machine);
        int attempts = record == null ? 0 : record.attempts();
        String why = "failed on " + machine + " (" + s.activeState() + "/" + s.subState() + ")";
        if (attempts >= o.limit()) {
            return new Action.Store(new UnitFailure(o.unit(), o.hash(), attempts, failedOn,
                    why + "; no attempts left, it stays there", nowMillis, Long.MAX_VALUE));
        }
        return new Action.Store(new UnitFailure(o.unit(), o.hash(), attempts + 1, failedOn, why, nowMillis,
                nowMillis + delay(attempts + 1).toMillis()));
    }

    /** The wait before move {@code attempt} (1, 2, ...): 1 s doubling, capped at {@link #MAX_DELAY}. */
    static Duration delay(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 20);
        long millis = FIRST_DELAY.toMillis() << shift;
        return Duration.ofMillis(Math.min(millis, MAX_DELAY.toMillis()));
    }

    /** When the record's pending move on the unit's machine falls due, or {@link Long#MAX_VALUE}. */
    private static long wakeFor(UnitFailure record, Observed o, long nowMillis) {
        if (record == null || !owesMove(record) || !record.lastMachine().equals(o.machine())
                || nowMillis >= record.notBeforeMillis()) {
            return Long.MAX_VALUE;
        }
        return record.notBeforeMillis();
    }

    /** Every failure so far was granted an attempt (the last one's move may be pending or done). */
    private static boolean owesMove(UnitFailure record) {
        return record.failedOn().size() == record.attempts();
    }

    /**
     * The machines the scheduler must not put the unit on now: every machine it failed on, except
     * {@code machine} (where it is) while its move is not due.
     */
    static Set<String> avoid(UnitFailure record, String machine, long nowMillis) {
        Set<String> avoid = new LinkedHashSet<>(record.failedOn());
        boolean due = owesMove(record) && nowMillis >= record.notBeforeMillis();
        if (!due && machine != null) {
            avoid.remove(machine);
        }
        return avoid;
    }
}
