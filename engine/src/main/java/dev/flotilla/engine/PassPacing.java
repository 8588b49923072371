package dev.flotilla.engine;

import java.util.concurrent.TimeUnit;

/**
 * How long the engine waits after an event before its pass. Events are gathered for the pass delay,
 * and under a burst a pass starts no sooner after the last one ended than the last pass of its kind
 * (full or incremental) took: the engine then spends at most about half of a core on passes, and
 * each pass takes in more of the burst. The time already idle since the last pass ended counts
 * towards that wait, so on a quiet cluster an event is planned after the pass delay alone. Kinds
 * are paced apart because their costs differ a hundredfold at 100,000 units (a full pass ~1 s, an
 * incremental one ~16 ms): a machine lost just after the resync's full pass was planned a second
 * late when every pass waited as long as that one.
 */
final class PassPacing {
    private long lastFullMillis;
    private long lastIncrementalMillis;
    private long lastEndNanos;

    PassPacing(long nowNanos) {
        this.lastEndNanos = nowNanos;
    }

    /** Records a pass that ended. */
    void ended(boolean full, long tookMillis, long endNanos) {
        if (full) {
            lastFullMillis = tookMillis;
        } else {
            lastIncrementalMillis = tookMillis;
        }
        lastEndNanos = endNanos;
    }

    /** The wait before the next pass, of the kind the engine expects it to be. */
    long delayMillis(long passDelayMillis, boolean fullExpected, long nowNanos) {
        return delayMillis(passDelayMillis, fullExpected ? lastFullMillis : lastIncrementalMillis,
                TimeUnit.NANOSECONDS.toMillis(nowNanos - lastEndNanos));
    }

    /**
     * @param passDelayMillis   the least wait, to gather a burst into one pass
     * @param lastPassMillis    how long the last pass (of the kind expected) took
     * @param idleMillis        how long ago the last pass ended
     */
    static long delayMillis(long passDelayMillis, long lastPassMillis, long idleMillis) {
        return Math.max(passDelayMillis, lastPassMillis - Math.max(0, idleMillis));
    }
}
