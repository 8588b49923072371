package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RescheduleOnFailure= on real machines: a unit whose start fails where it is first placed is moved
 * by the engine to another machine, where it runs, and its failure is forgotten once it ran healthy.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
class RescheduleOnFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String MARKER = "/root/only-here";

    private static String[] listUnitFiles() {
        return new String[] {"list-unit-files", "--full", "--no-legend", "--fields=unit,attempts,failure"};
    }

    @Test
    void aUnitThatFailsToStartOnM1EndsActiveOnM2(Cluster cluster) {
        UnitsInCluster units = new UnitsInCluster(cluster);
        // Only m2 has the file the unit needs.
        units.write("m2", MARKER, "x");
        // m2 carries a unit, so the least loaded machine that matches both m1 and m2 is m1: the unit
        // is placed on m1 first, whatever the machine ids.
        units.write("m1", "/root/units/ballast.service", UnitsInCluster.unit("ballast",
                "ExecStart=/bin/sleep infinity", "[X-Fleet]\nMachineMetadata=machine=m2"));
        cluster.flotctl("m1", "start", "/root/units/ballast.service").requireOk("start ballast");
        assertEquals(List.of("m2"), units.runningOn("ballast.service"));

        units.write("m1", "/root/units/picky.service", UnitsInCluster.unit("needs " + MARKER,
                "ExecStartPre=/bin/sh -c 'test -e " + MARKER + "'\nExecStart=/bin/sleep infinity",
                "[X-Fleet]\nMachineMetadata=machine=m1 machine=m2\nRescheduleOnFailure=2"));
        cluster.flotctl("m1", "start", "--no-block", "/root/units/picky.service").requireOk("start picky");

        String m1 = cluster.machineId("m1");
        // The record of the failure on m1 shows in list-unit-files from the failure until it has run
        // healthy on m2 for 10 s.
        String row = await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(
                () -> cluster.flotctl("m1", listUnitFiles()).requireOk("list-unit-files").out().lines()
                        .filter(l -> l.startsWith("picky.service\t")).findFirst().orElse(""),
                l -> l.contains("failed on " + m1));
        assertTrue(row.startsWith("picky.service\t1\t"), row);

        await().atMost(WAIT).until(() -> units.runningOn("picky.service"), on -> on.equals(List.of("m2")));
        assertEquals("active", units.systemdActive("m2", "picky.service"));
        assertEquals("m2", units.machineOf("m1", "picky.service").orElseThrow());

        // Healthy for min_healthy (10 s): the attempts are forgotten.
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(
                () -> cluster.flotctl("m1", listUnitFiles()).requireOk("list-unit-files").out().lines()
                        .filter(l -> l.startsWith("picky.service\t")).findFirst().orElse(""),
                l -> l.equals("picky.service\t-\t-"));
        assertEquals(List.of("m2"), units.runningOn("picky.service"), "it stays where it runs");
    }
}
