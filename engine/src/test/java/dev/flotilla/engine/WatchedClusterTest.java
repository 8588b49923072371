package dev.flotilla.engine;

import dev.flotilla.model.Machine;
import dev.flotilla.registry.WatchEvent;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchedClusterTest {
    private static final Machine M1 = new Machine("m1", "10.0.0.1", Map.of(), "t");
    private static final Machine M2 = new Machine("m2", "10.0.0.2", Map.of(), "t");

    private static WatchedCluster listed() {
        WatchedCluster v = new WatchedCluster();
        v.onMachines(new WatchEvent.Snapshot<>(Map.of("m1", M1, "m2", M2), 1, Map.of()));
        assertTrue(v.takeReshaped(), "a listing is a reshape");
        return v;
    }

    @Test
    void aMachineLeavingIsNotedAsGoneNotAsAReshape() {
        WatchedCluster v = listed();
        v.onMachines(new WatchEvent.Removed<>("m2", M2, 2));
        assertFalse(v.takeReshaped());
        assertEquals(Set.of("m2"), v.takeGone());
        assertEquals(Set.of(), v.takeGone(), "taken once");
        assertEquals(Set.of("m1"), v.machines().keySet());
    }

    @Test
    void aMachineUnknownToTheViewLeavingIsNothing() {
        WatchedCluster v = listed();
        v.onMachines(new WatchEvent.Removed<>("m9", M1, 2));
        assertEquals(Set.of(), v.takeGone());
        assertFalse(v.takeReshaped());
    }

    @Test
    void aMachineComingOrChangingIsAReshapeButTheSameRecordRewrittenIsNot() {
        WatchedCluster v = listed();
        v.onMachines(new WatchEvent.Updated<>("m1", M1, 2));
        assertFalse(v.takeReshaped(), "the same record again");
        v.onMachines(new WatchEvent.Updated<>("m1", new Machine("m1", "10.0.0.1", Map.of("az", "b"), "t"), 3));
        assertTrue(v.takeReshaped(), "new metadata");
        v.onMachines(new WatchEvent.Updated<>("m3", new Machine("m3", "10.0.0.3", Map.of(), "t"), 4));
        assertTrue(v.takeReshaped(), "a machine joined");
    }

    @Test
    void whatAHeldPassTookComesBackForTheNextPass() {
        WatchedCluster v = listed();
        v.onMachines(new WatchEvent.Removed<>("m2", M2, 2));
        Set<String> gone = v.takeGone();
        Set<String> touched = v.takeTouched();
        v.putBack(touched, gone);
        assertEquals(Set.of("m2"), v.takeGone());
    }
}
