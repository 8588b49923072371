package dev.flotilla.flotctl;

import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitStateEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The waiting logic of load and start with the start marker: given the states and W, done, failed or pending. */
class AwaitedStateTest {
    private static final String M = "a".repeat(32);
    private static final String OTHER = "b".repeat(32);
    private static final String H = "0123456789abcdef0123456789abcdef01234567";
    private static final long W = 100;

    private static UnitFileEntry launched() {
        return new UnitFileEntry("web.service", H, "launched", "launched", M, "127.0.0.11", false, "", "");
    }

    private static UnitStateEntry state(String machine, String hash, String load, String active, String sub, long answers) {
        return new UnitStateEntry("web.service", machine, "127.0.0.11", hash, load, active, sub, answers, 0, 0);
    }

    private static AwaitedState.Check start(UnitFileEntry unit, UnitStateEntry... states) {
        return AwaitedState.ACTIVE.check("web.service", new AwaitedState.Indexed(new UnitListing(List.of(unit), List.of(states))), W);
    }

    private static String verdict(AwaitedState.Check c) {
        return c.failed() ? "failed" : c.reached() ? "done" : "pending";
    }

    @Test
    void aStartIsDecidedOnlyByAStateThatAnswersIt() {
        assertEquals("pending", verdict(start(launched())), "no state yet");
        assertEquals("pending", verdict(start(launched(), state(M, H, "loaded", "failed", "failed", W - 1))),
                "failed before the start: left from before, not an answer");
        assertEquals("pending", verdict(start(launched(), state(M, H, "loaded", "active", "running", W - 1))),
                "active from before does not count either");
        assertEquals("failed", verdict(start(launched(), state(M, H, "loaded", "failed", "failed", W))));
        assertEquals("done", verdict(start(launched(), state(M, H, "loaded", "active", "running", W + 5))));
        assertEquals("pending", verdict(start(launched(), state(M, H, "loaded", "activating", "start", W))));
        assertEquals("pending", verdict(start(launched(), state(OTHER, H, "loaded", "failed", "failed", W))),
                "another machine's state (the unit moved) answers nothing here");
        assertEquals("pending", verdict(start(launched(), state(M, "f".repeat(40), "loaded", "active", "running", W))),
                "an older text");
    }

    @Test
    void aOneshotThatRanAndExitedIsDoneAndABadUnitFails() {
        AwaitedState.Check ran = start(launched(), state(M, H, "loaded", "inactive", "dead", W));
        assertEquals("done", verdict(ran));
        assertTrue(ran.situation().contains("ran and exited"), ran.situation());
        assertEquals("failed", verdict(start(launched(), state(M, H, "bad-setting", "inactive", "dead", W))));
        assertEquals("failed", verdict(start(launched(), state(M, H, "not-found", "inactive", "dead", W))));
    }

    @Test
    void theEngineMustHaveActedToo() {
        UnitFileEntry notYet = new UnitFileEntry("web.service", H, "launched", "loaded", M, "127.0.0.11", false, "", "");
        assertEquals("pending", verdict(start(notYet, state(M, H, "loaded", "active", "running", W))));
        UnitFileEntry unscheduled = new UnitFileEntry("web.service", H, "launched", "inactive", "", "", false, "", "no machine");
        AwaitedState.Check c = start(unscheduled);
        assertEquals("pending", verdict(c));
        assertEquals("no machine", c.waiting());
    }

    @Test
    void aLoadIsDoneWhenLoadedAndFailsOnAnyOtherLoadState() {
        UnitFileEntry loaded = new UnitFileEntry("web.service", H, "loaded", "loaded", M, "127.0.0.11", false, "", "");
        var ok = new AwaitedState.Indexed(new UnitListing(List.of(loaded), List.of(state(M, H, "loaded", "inactive", "dead", W))));
        assertEquals("done", verdict(AwaitedState.LOADED.check("web.service", ok, W)));
        var bad = new AwaitedState.Indexed(new UnitListing(List.of(loaded), List.of(state(M, H, "bad-setting", "inactive", "dead", W))));
        assertEquals("failed", verdict(AwaitedState.LOADED.check("web.service", bad, W)));
        var old = new AwaitedState.Indexed(new UnitListing(List.of(loaded), List.of(state(M, H, "bad-setting", "inactive", "dead", 1))));
        assertEquals("pending", verdict(AwaitedState.LOADED.check("web.service", old, W)));
    }

    @Test
    void withoutAWriteRevisionTheOldRuleHolds() {
        // an older daemon answers no revision: the state is judged as before, and never fails fast
        var listing = new AwaitedState.Indexed(new UnitListing(List.of(launched()),
                List.of(state(M, H, "loaded", "failed", "failed", 0))));
        AwaitedState.Check c = AwaitedState.ACTIVE.check("web.service", listing, 0);
        assertFalse(c.failed());
        assertFalse(c.reached());
        var active = new AwaitedState.Indexed(new UnitListing(List.of(launched()),
                List.of(state(M, H, "loaded", "active", "running", 0))));
        assertTrue(AwaitedState.ACTIVE.check("web.service", active, 0).reached());
    }
}
