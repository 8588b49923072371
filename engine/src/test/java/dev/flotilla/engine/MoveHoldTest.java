package dev.flotilla.engine;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MoveHoldTest {
    private static final long S = 1_000_000_000L;
    /** nanoTime may be anywhere, negative too. */
    private static final long T0 = -5_000 * S;
    private final MoveHold hold = new MoveHold(3 * S);

    @Test
    void nothingIsHeldBeforeAnyReason() {
        assertEquals(Optional.empty(), hold.holding(T0));
        assertEquals(0, hold.remainingNanos(T0));
    }

    @Test
    void electionAndRelistHoldForOneGracePeriodEach() {
        hold.elected(T0);
        assertTrue(hold.holding(T0 + 2 * S).orElseThrow().contains("elected"));
        assertEquals(Optional.empty(), hold.holding(T0 + 3 * S));

        hold.relisted(T0 + 10 * S);
        assertTrue(hold.holding(T0 + 12 * S).orElseThrow().contains("listed anew"));
        assertEquals(S, hold.remainingNanos(T0 + 12 * S));
        assertEquals(Optional.empty(), hold.holding(T0 + 13 * S));
    }

    @Test
    void oneMachineLeavingHoldsOnlyForTheSettleTime() {
        hold.machineLeft(T0, 3);
        assertTrue(hold.holding(T0).orElseThrow().contains("others may be leaving"));
        assertEquals(Optional.empty(), hold.holding(T0 + MoveHold.SETTLE_NANOS));
        hold.machineLeft(T0 + 4 * S, 2); // the next one, a grace period later
        assertEquals(Optional.empty(), hold.holding(T0 + 4 * S + MoveHold.SETTLE_NANOS));
    }

    @Test
    void machinesLeavingTogetherHoldMovesFromTheLastDeparture() {
        hold.machineLeft(T0, 3);
        hold.machineLeft(T0 + S, 2); // 2 of 4 within the grace period, 2 remain
        assertTrue(hold.holding(T0 + S).orElseThrow().contains("2 machines left"));
        assertTrue(hold.holding(T0 + 3 * S).isPresent());
        hold.machineLeft(T0 + 2 * S, 1);
        assertTrue(hold.holding(T0 + 4 * S).isPresent(), "each departure extends the hold");
        assertEquals(Optional.empty(), hold.holding(T0 + 5 * S));
    }

    @Test
    void aFewOfManyLeavingTogetherIsNotTrouble() {
        hold.machineLeft(T0, 9);
        hold.machineLeft(T0 + S, 8); // 2 of 10
        assertEquals(Optional.empty(), hold.holding(T0 + S + MoveHold.SETTLE_NANOS));
    }

    @Test
    void aLaterReasonNeverShortensAHold() {
        hold.relisted(T0 + 2 * S);
        hold.elected(T0);
        assertTrue(hold.holding(T0 + 4 * S).isPresent());
    }
}
