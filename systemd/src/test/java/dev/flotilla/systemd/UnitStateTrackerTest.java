package dev.flotilla.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class UnitStateTrackerTest {

    private final List<UnitStatus> delivered = new ArrayList<>();
    private final UnitStateTracker t = new UnitStateTracker((name, s) -> delivered.add(s));

    private static UnitStatus st(String name, String load, String active, String sub) {
        return new UnitStatus(name, load, active, sub);
    }

    @Test
    void deliversOnlyChanges() {
        t.propertiesChanged("a.service", "inactive", "dead");
        t.propertiesChanged("a.service", "activating", "start");
        t.propertiesChanged("a.service", "active", "running");
        t.propertiesChanged("a.service", "active", "running"); // repeated by systemd
        t.propertiesChanged("a.service", null, null); // a signal without state properties
        assertEquals(List.of(st("a.service", "loaded", "inactive", "dead"), st("a.service", "loaded", "activating", "start"),
                st("a.service", "loaded", "active", "running")), delivered);
    }

    @Test
    void garbageCollectedIsInactiveDeadAndForgotten() {
        t.propertiesChanged("a.service", "active", "running");
        t.unitRemoved("a.service");
        assertEquals(st("a.service", "loaded", "inactive", "dead"), delivered.get(1));
        assertEquals(Set.of(), t.knownNames());
        t.unitRemoved("b.service"); // never reported: nothing
        t.propertiesChanged("c.service", "inactive", "dead");
        t.unitRemoved("c.service"); // already inactive/dead: nothing new
        assertEquals(3, delivered.size());
    }

    @Test
    void reloadBurstIsIgnoredAndLoadStatesAreRefreshed() {
        t.propertiesChanged("a.service", "active", "running");
        t.propertiesChanged("b.service", "active", "running");
        delivered.clear();
        t.reloading(true);
        t.unitRemoved("a.service");
        t.unitRemoved("b.service");
        t.reloading(false);
        assertEquals(List.of(), delivered);
        assertEquals(Set.of("a.service", "b.service"), t.knownNames());
        // after the reload, a's file is gone: systemd now says not-found (still running)
        t.refreshed(Map.of("a.service", st("a.service", "not-found", "active", "running"),
                "b.service", st("b.service", "loaded", "active", "running"),
                "z.service", st("z.service", "loaded", "active", "running")));
        assertEquals(List.of(st("a.service", "not-found", "active", "running")), delivered);
        t.propertiesChanged("a.service", "inactive", "dead");
        assertEquals(st("a.service", "not-found", "inactive", "dead"), delivered.get(1));
    }

    @Test
    void resetForgetsEverything() {
        t.propertiesChanged("a.service", "active", "running");
        t.reloading(true);
        t.reset();
        t.unitRemoved("a.service");
        t.propertiesChanged("a.service", "active", "running");
        assertEquals(2, delivered.size());
    }

    @Test
    void restartsRideAlongWithTheNextStateChangeAndTheTimestampIsKept() {
        t.propertiesChanged("a.service", "active", "running", 1_000L);
        t.serviceRestarts("a.service", 1); // Service interface first, as systemd sends it
        t.propertiesChanged("a.service", "activating", "auto-restart", 2_000L);
        t.propertiesChanged("a.service", "activating", "auto-restart", 2_000L); // repeated: nothing
        t.propertiesChanged("a.service", "active", "running", null); // no timestamp in the signal: the last one
        assertEquals(List.of(new UnitStatus("a.service", "loaded", "active", "running", 0, 1_000L),
                new UnitStatus("a.service", "loaded", "activating", "auto-restart", 1, 2_000L),
                new UnitStatus("a.service", "loaded", "active", "running", 1, 2_000L)), delivered);
    }

    @Test
    void aNewTimestampAloneIsAChange() {
        t.propertiesChanged("a.service", "failed", "failed", 1_000L);
        t.propertiesChanged("a.service", "failed", "failed", 5_000L); // failed again after a new start
        assertEquals(2, delivered.size());
        assertEquals(5_000L, delivered.get(1).sinceMicros());
    }

    @Test
    void aBulkReadAfterReloadKeepsTheDetailsASignalTold() {
        t.serviceRestarts("a.service", 3);
        t.propertiesChanged("a.service", "active", "running", 7_000L);
        t.refreshed(Map.of("a.service", st("a.service", "loaded", "active", "running")));
        assertEquals(1, delivered.size(), "the read knows no details: not a change");
    }
}
