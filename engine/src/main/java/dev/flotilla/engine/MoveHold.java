package dev.flotilla.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * When the engine may move units off machines that are not registered. A registration vanishes
 * when its machine died, but also when etcd, or this engine's view of it, was away: then every
 * living daemon needs a moment to register again, and moving its units meanwhile would run them
 * twice. So moves are held for a grace period (the machine TTL) after each such moment:
 * <ul>
 *   <li>this engine was elected (after a cluster-wide restart daemons register one by one);</li>
 *   <li>this engine's view of the machines was listed anew after a gap (its etcd connection broke:
 *       it cannot tell who left during the gap from who could not reach etcd either);</li>
 *   <li>machines left together: within one grace period at least two, and at least as many as
 *       remain (trouble of etcd's or of the network's, not of the machines': Kubernetes' node
 *       controller stops evicting in a full disruption for the same reason).</li>
 * </ul>
 * So that the first of machines leaving together is not taken for dead alone, every departure
 * holds moves for a short settle time ({@link #SETTLE_NANOS}: etcd revokes the leases that expired
 * together in one sweep, within about that long).
 * A held pass plans nothing and is tried again when the hold ends; a machine still missing then is
 * taken for dead and its units move. Pure: the caller passes the clock (nanoseconds).
 */
final class MoveHold {
    static final long SETTLE_NANOS = 500_000_000L;
    private final long graceNanos;
    /** Departure times within the last grace period. */
    private final Deque<Long> departures = new ArrayDeque<>();
    /** Nothing has been held yet: {@link #until} means nothing (nanoTime values may be negative). */
    private boolean ever;
    private long until;
    private String why = "";

    MoveHold(long graceNanos) {
        this.graceNanos = graceNanos;
    }

    void elected(long now) {
        hold(now + graceNanos, "this engine was just elected");
    }

    void relisted(long now) {
        hold(now + graceNanos, "this engine's view of the machines was listed anew after a gap");
    }

    /**
     * @param remaining the machines still registered after this one left
     */
    void machineLeft(long now, int remaining) {
        while (!departures.isEmpty() && now - departures.peekFirst() > graceNanos) {
            departures.removeFirst();
        }
        departures.addLast(now);
        int left = departures.size();
        if (left >= 2 && left >= remaining) {
            hold(now + graceNanos, left + " machines left within " + graceNanos / 1_000_000 + " ms and " + remaining + " remain");
        } else {
            hold(now + Math.min(SETTLE_NANOS, graceNanos), "a machine left: others may be leaving with it");
        }
    }

    private void hold(long end, String reason) {
        if (!ever || end - until > 0) {
            ever = true;
            until = end;
            why = reason;
        }
    }

    /** Why moves are held now, if they are. */
    Optional<String> holding(long now) {
        return ever && until - now > 0 ? Optional.of(why) : Optional.empty();
    }

    /** How long the current hold lasts from now (0 when none). */
    long remainingNanos(long now) {
        return ever ? Math.max(0, until - now) : 0;
    }
}
