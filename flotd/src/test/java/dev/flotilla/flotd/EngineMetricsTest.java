package dev.flotilla.flotd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.api.server.Metric;
import dev.flotilla.engine.EngineStats;
import dev.flotilla.engine.scheduler.Capacity;
import dev.flotilla.engine.scheduler.MachineLoad;
import dev.flotilla.engine.scheduler.MachineLoads;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EngineMetricsTest {

    private static EngineStats stats(boolean leader, TreeMap<String, MachineLoad> machines) {
        return new EngineStats(leader, 1, 2, 3, 4, 5, 0, 10, 1, 1, MachineLoads.of(machines));
    }

    private static double value(List<Metric> metrics, String name, String machine) {
        return metrics.stream().filter(m -> m.name().equals(name) && machine.equals(m.labels().get("machine")))
                .findFirst().orElseThrow(() -> new AssertionError(name + " for " + machine)).value();
    }

    @Test
    void theLeaderReportsAllocationAndCapacityPerMachine() {
        TreeMap<String, MachineLoad> machines = new TreeMap<>();
        machines.put("m1", new MachineLoad(3, 1500, 3L << 30, new Capacity(4000, 8L << 30)));
        machines.put("m2", new MachineLoad(0, 0, 0, Capacity.UNKNOWN));
        List<Metric> out = EngineMetrics.of(stats(true, machines));
        assertEquals(1.5, value(out, "flotilla_machine_cpu_allocated_cores", "m1"));
        assertEquals(4.0, value(out, "flotilla_machine_cpu_capacity_cores", "m1"));
        assertEquals(3L << 30, value(out, "flotilla_machine_memory_allocated_bytes", "m1"));
        assertEquals(8L << 30, value(out, "flotilla_machine_memory_capacity_bytes", "m1"));
        assertEquals(0.0, value(out, "flotilla_machine_memory_capacity_bytes", "m2"));
    }

    @Test
    void aFollowerReportsNoMachines() {
        TreeMap<String, MachineLoad> machines = new TreeMap<>(Map.of("m1", new MachineLoad(1, 1, 1, Capacity.UNKNOWN)));
        List<Metric> out = EngineMetrics.of(stats(false, machines));
        assertTrue(out.stream().noneMatch(m -> m.name().startsWith("flotilla_machine")), out::toString);
    }

    @Test
    void theSeriesAreBoundedAndTheRestCounted() {
        TreeMap<String, MachineLoad> machines = new TreeMap<>();
        int n = EngineMetrics.MACHINES_REPORTED + 7;
        for (int i = 0; i < n; i++) {
            machines.put(String.format("m%05d", i), new MachineLoad(0, 0, 0, Capacity.UNKNOWN));
        }
        List<Metric> out = EngineMetrics.of(stats(true, machines));
        assertEquals(4L * EngineMetrics.MACHINES_REPORTED, out.stream().filter(m -> m.labels().containsKey("machine")).count());
        assertEquals(7.0, out.stream().filter(m -> m.name().equals("flotilla_machines_unreported")).findFirst().orElseThrow().value());
    }
}
