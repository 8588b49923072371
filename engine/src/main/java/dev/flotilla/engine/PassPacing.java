package dev.flotilla.engine;

/**
 * How long the engine waits after an event before its pass. Events are gathered for the pass delay,
 * and under a burst a pass starts no sooner after the last one ended than that one took: the engine
 * then spends at most about half of a core on passes, and each pass takes in more of the burst. The
 * time already idle since the last pass ended counts towards that wait, so on a quiet cluster an event
 * is planned after the pass delay alone, not after as long again as the last (full, resync) pass took.
 */
final class PassPacing {

    private PassPacing() {
    }

    /**
     * @param passDelayMillis   the least wait, to gather a burst into one pass
     * @param lastPassMillis    how long the last pass took
     * @param idleMillis        how long ago the last pass ended
     */
    static long delayMillis(long passDelayMillis, long lastPassMillis, long idleMillis) {
        return Math.max(passDelayMillis, lastPassMillis - Math.max(0, idleMillis));
    }
}
