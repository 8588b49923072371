package dev.flotilla.api.server;

import dev.flotilla.api.MachineDetail;
import dev.flotilla.api.ResourceAmounts;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.Resources;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What each machine's units allocate, from records alone. */
class MachineAllocationsTest {
    private static final long GIB = 1L << 30;

    private static UnitRecord unit(String name, String service, String xfleet, DesiredState desired) {
        String text = "[Service]\nExecStart=/bin/sleep infinity\n" + service + (xfleet.isEmpty() ? "" : "[X-Fleet]\n" + xfleet + "\n");
        return new UnitRecord(name, text, UnitFile.hashOf(text), desired);
    }

    @Test
    void assignedUnitsAndMatchingGlobalsAddUpAndAPercentageIsOfThatMachinesCapacity() {
        Machine big = new Machine("m1", "10.0.0.1", Map.of("role", "db"), "t").withCapacity(new Resources(4000, 4 * GIB));
        Machine small = new Machine("m2", "10.0.0.2", Map.of(), "t").withCapacity(new Resources(2000, 2 * GIB));
        Machine silent = new Machine("m3", "10.0.0.3", Map.of(), "t");
        UnitRecord a = unit("a.service", "MemoryMax=1G\nCPUQuota=150%\n", "", DesiredState.LAUNCHED);
        UnitRecord half = unit("half.service", "MemoryMax=50%\n", "", DesiredState.LAUNCHED);
        UnitRecord plain = unit("plain.service", "", "", DesiredState.LOADED);
        UnitRecord agent = unit("agent.service", "MemoryMax=256M\n", "Global=true", DesiredState.LAUNCHED);
        UnitRecord dbAgent = unit("dbagent.service", "CPUQuota=50%\n", "Global=true\nMachineMetadata=role=db", DesiredState.LAUNCHED);
        UnitRecord off = unit("off.service", "MemoryMax=1G\n", "Global=true", DesiredState.INACTIVE);

        List<MachineDetail> d = MachineAllocations.of(List.of(small, silent, big), List.of(a, half, plain, agent, dbAgent, off),
                List.of(new Assignment("m1", "a.service", a.hash()), new Assignment("m1", "half.service", half.hash()),
                        new Assignment("m2", "half.service", half.hash()), // moving: counted once, where first listed
                        new Assignment("m2", "plain.service", plain.hash(), DesiredState.LOADED),
                        new Assignment("gone", "x.service", a.hash())));

        assertEquals(List.of("m1", "m2", "m3"), d.stream().map(MachineDetail::id).toList());
        assertEquals(new ResourceAmounts(1500 + 500, GIB + 2 * GIB + 256L * (1 << 20)), d.get(0).allocated());
        assertEquals(4, d.get(0).units());
        assertEquals(new ResourceAmounts(0, 256L << 20), d.get(1).allocated());
        assertEquals(2, d.get(1).units());
        assertEquals(new ResourceAmounts(0, 256L << 20), d.get(2).allocated());
        assertEquals(ResourceAmounts.NONE, d.get(2).capacity());
    }

    @Test
    void aLoadedUnitCountsOnItsMachineButReservesNothing() {
        Machine m = new Machine("m1", "10.0.0.1", Map.of(), "t").withCapacity(new Resources(0, 2 * GIB));
        UnitRecord stopped = unit("stopped.service", "MemoryMax=1G\n", "", DesiredState.LOADED);
        UnitRecord running = unit("running.service", "MemoryMax=512M\n", "", DesiredState.LAUNCHED);
        UnitRecord loadedGlobal = unit("g.service", "MemoryMax=256M\n", "Global=true", DesiredState.LOADED);

        MachineDetail d = MachineAllocations.of(List.of(m), List.of(stopped, running, loadedGlobal),
                List.of(new Assignment("m1", "stopped.service", stopped.hash(), DesiredState.LOADED),
                        new Assignment("m1", "running.service", running.hash()))).get(0);

        assertEquals(new ResourceAmounts(0, 512L << 20), d.allocated());
        assertEquals(3, d.units());
    }
}
