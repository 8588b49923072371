package dev.flotilla.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PassPacingTest {

    @Test
    void anEventRightAfterALongPassWaitsAsLongAsThatPassTook() {
        assertEquals(800, PassPacing.delayMillis(5, 800, 0));
    }

    @Test
    void theTimeAlreadyIdleSinceThatPassEndedCountsTowardsTheWait() {
        assertEquals(300, PassPacing.delayMillis(5, 800, 500));
    }

    @Test
    void onAnIdleClusterTheNextPassWaitsOnlyTheGatheringDelay() {
        // a 60 s resync took 800 ms, 30 s ago: a machine leaving now is planned after the 5 ms only
        assertEquals(5, PassPacing.delayMillis(5, 800, 30_000));
    }

    @Test
    void theGatheringDelayIsTheLeastEvenAfterShortPasses() {
        assertEquals(5, PassPacing.delayMillis(5, 2, 0));
        assertEquals(5, PassPacing.delayMillis(5, 0, 0));
    }

    @Test
    void anIncrementalPassRightAfterAFullOneWaitsOnlyAsLongAsTheLastIncrementalTook() {
        // The resync's full pass took 1,082 ms and just ended; a machine is lost now.
        PassPacing pacing = new PassPacing(0);
        pacing.ended(false, 16, ms(10_000));
        pacing.ended(true, 1_082, ms(60_000));
        assertEquals(16, pacing.delayMillis(5, false, ms(60_000)), "its units are planned after 16 ms, not 1,082");
        assertEquals(1_082, pacing.delayMillis(5, true, ms(60_000)), "another full pass still waits as long as the last");
        assertEquals(5, pacing.delayMillis(5, false, ms(60_020)), "and the idle time counts towards either");
        assertEquals(1_062, pacing.delayMillis(5, true, ms(60_020)));
    }

    private static long ms(long millis) {
        return java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void underABurstPassesTakeAtMostHalfTheTime() {
        // each pass starts at least as long after the last one ended as that one took
        long now = 0;
        long busy = 0;
        long lastEnd = 0;
        long last = 0;
        for (int i = 0; i < 100; i++) {
            long pass = 100 + (i % 7) * 50; // events keep coming: a pass is always asked for at once
            long start = now + PassPacing.delayMillis(5, last, now - lastEnd);
            busy += pass;
            lastEnd = start + pass;
            last = pass;
            now = lastEnd;
        }
        assertEquals(true, busy * 2 <= now + 350, busy + " of " + now);
    }
}
