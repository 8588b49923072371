package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * fleet's worst habit: a machine cut off past its TTL kept running its units after the cluster
 * had started them elsewhere. Here a frozen machine's units move, and once it thaws its stale
 * copies stop, so no unit runs twice.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
class PartitionedMachineTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aFrozenMachinesUnitsMoveAndItsStaleCopiesStopWhenItThaws(Cluster cluster) {
        UnitsInCluster units = new UnitsInCluster(cluster);
        List<String> args = new ArrayList<>(List.of("start"));
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String name = "part" + i + ".service";
            units.write("m1", "/root/" + name, UnitsInCluster.unit(name, "ExecStart=/bin/sleep infinity", ""));
            args.add("/root/" + name);
            names.add(name);
        }
        cluster.flotctl("m1", args.toArray(String[]::new)).requireOk("flotctl start");

        // Freeze a machine that holds units and is not the engine (engine failover has its own test).
        String leader = cluster.leader();
        Map<String, UnitsInCluster.Row> before = units.listUnits("m1");
        String victim = before.values().stream().map(r -> units.machineNamed(r.machineId()))
                .filter(m -> !m.equals(leader)).findFirst().orElseThrow();
        List<String> itsUnits = before.values().stream()
                .filter(r -> units.machineNamed(r.machineId()).equals(victim)).map(UnitsInCluster.Row::unit).toList();
        String observer = cluster.machines().stream().filter(m -> !m.equals(victim)).findFirst().orElseThrow();

        cluster.freeze(victim);
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
                Map<String, UnitsInCluster.Row> now = units.listUnits(observer);
                return itsUnits.stream().allMatch(u -> now.containsKey(u) && "active".equals(now.get(u).active())
                        && !units.machineNamed(now.get(u).machineId()).equals(victim));
            });
        } finally {
            cluster.thaw(victim);
        }
        long thawed = System.nanoTime();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> itsUnits.stream().noneMatch(u -> units.systemdActive(victim, u).equals("active")));
        System.out.printf("a thawed machine stopped its %d stale units %d ms after the thaw (machine TTL 3 s)%n",
                itsUnits.size(), (System.nanoTime() - thawed) / 1_000_000);

        // Nothing lost, nothing doubled.
        await().atMost(WAIT).until(() -> names.stream().allMatch(n -> units.runningOn(n).size() == 1));
        for (String n : names) {
            assertEquals(1, units.runningOn(n).size(), n + " runs on " + units.runningOn(n));
        }
        assertFalse(units.listUnits(observer).values().stream().anyMatch(r -> !r.active().equals("active")),
                units.listUnits(observer).toString());
    }
}
