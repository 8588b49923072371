package dev.flotilla.registry;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeaseHealthTest {
    @ParameterizedTest(name = "age {0} ms of ttl {1} ms, last failed {2} -> {3}")
    @CsvSource({
            "0, 3000, false, CONNECTED",
            "1999, 3000, false, CONNECTED",
            "2001, 3000, false, SUSPENDED",
            "2999, 3000, false, SUSPENDED",
            "100, 3000, true, SUSPENDED",
            "2999, 3000, true, SUSPENDED",
            "3000, 3000, true, LOST",
            "3000, 3000, false, LOST",
            "10000, 3000, false, LOST",
    })
    void stateFollowsTheAgeOfTheLastAcknowledgedKeepAlive(long ageMs, long ttlMs, boolean failed, ConnectionState expected) {
        assertEquals(expected, LeaseHealth.evaluate(ageMs * 1_000_000, ttlMs * 1_000_000, failed));
    }
}
