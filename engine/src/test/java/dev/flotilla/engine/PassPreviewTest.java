package dev.flotilla.engine;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.flotilla.engine.PlannerTest.unit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PassPreviewTest {
    private final List<Machine> machines = List.of(new Machine("m1", "10.0.0.1", Map.of(), "t"),
            new Machine("m2", "10.0.0.2", Map.of(), "t"));

    @Test
    void newUnitsGoWhereThePlannerWouldPutThemAndKeptUnitsStay() {
        UnitRecord old = unit("old.service", "", DesiredState.LAUNCHED);
        UnitRecord web = unit("web.service", "", DesiredState.LAUNCHED);
        PassPreview.Outcome o = PassPreview.pass(machines, List.of(old, web),
                List.of(new Assignment("m1", "old.service", old.hash())));
        assertEquals(Map.of("old.service", "m1", "web.service", "m2"), o.machineOf());
        assertTrue(o.waiting().isEmpty());
    }

    @Test
    void aReplacedUnitMovesAndAnImpossibleOneWaitsWithTheSchedulersReason() {
        UnitRecord old = unit("old.service", "", DesiredState.LAUNCHED);
        UnitRecord other = unit("other.service", "", DesiredState.LAUNCHED);
        UnitRecord next = unit("next.service", "Replaces=old.service", DesiredState.LAUNCHED);
        UnitRecord nowhere = unit("nowhere.service", "MachineMetadata=disk=ssd", DesiredState.LAUNCHED);
        PassPreview.Outcome o = PassPreview.pass(machines, List.of(old, other, next, nowhere),
                List.of(new Assignment("m1", "old.service", old.hash()), new Assignment("m2", "other.service", other.hash())));
        assertEquals(Map.of("next.service", "m1", "old.service", "m2", "other.service", "m2"), o.machineOf());
        assertEquals(List.of("nowhere.service"), List.copyOf(o.waiting().keySet()));
        assertTrue(o.waiting().get("nowhere.service").contains("disk"), o.waiting().toString());
    }

    @Test
    void anInactiveUnitLeavesItsMachineAndAnAssignmentOfAVanishedMachineIsMoved() {
        UnitRecord stopped = unit("stopped.service", "", DesiredState.INACTIVE);
        UnitRecord orphan = unit("orphan.service", "", DesiredState.LAUNCHED);
        PassPreview.Outcome o = PassPreview.pass(machines, List.of(stopped, orphan),
                List.of(new Assignment("m1", "stopped.service", stopped.hash()), new Assignment("gone", "orphan.service", orphan.hash())));
        assertEquals(Map.of("orphan.service", "m1"), o.machineOf());
    }
}
