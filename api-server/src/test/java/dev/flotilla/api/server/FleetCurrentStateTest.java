package dev.flotilla.api.server;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** fleet v1's currentState from an assignment and its machine's published state. */
class FleetCurrentStateTest {
    private static final String M = "a".repeat(32);

    @ParameterizedTest(name = "{0} / {1} {2} -> {3}")
    @CsvSource({
            // assignment, state hash, active state, expected
            "none,     -,   -,            inactive",
            "launched, -,   -,            inactive",
            "loaded,   -,   -,            inactive",
            "loaded,   h1,  inactive,     loaded",
            "loaded,   h1,  failed,       loaded",
            "loaded,   h1,  active,       launched",
            "loaded,   h1,  deactivating, launched",
            "launched, h1,  inactive,     launched",
            "launched, h1,  activating,   launched",
            "launched, h1,  active,       launched",
            "launched, h1,  failed,       launched",
            "launched, old, active,       loaded",
            "loaded,   old, active,       loaded",
    })
    void currentState(String assigned, String hash, String active, String expected) {
        Assignment a = assigned.equals("none") ? null
                : new Assignment(M, "web.service", "h1", DesiredState.parse(assigned));
        UnitState s = hash.equals("-") ? null : new UnitState(M, "web.service", hash, "loaded", active, "x");
        assertEquals(expected, FleetCurrentState.of(a, s));
    }
}
