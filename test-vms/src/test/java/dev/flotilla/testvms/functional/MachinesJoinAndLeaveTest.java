package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.CommandResult;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue "foundation": machines join, a cleanly stopped one leaves at once, a killed one within
 * its TTL. Runs flotctl inside the machines, as a user would.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MachinesJoinAndLeaveTest {
    private static final int TTL_SECONDS = 3;

    private static List<String> listedIds(Cluster cluster, String via) {
        CommandResult r = cluster.flotctl(via, "list-machines", "--full", "--no-legend", "--fields", "machine");
        r.requireOk("flotctl list-machines on " + via);
        return r.out().isEmpty() ? List.of() : r.out().lines().toList();
    }

    @Test
    @Order(1)
    void everyMachineIsListedInFleetsFormat(Cluster cluster) {
        CommandResult r = cluster.flotctl("m1", "list-machines").requireOk("list-machines");
        List<String> lines = r.stdout().lines().toList();
        assertEquals("MACHINE\tIP\tMETADATA", lines.get(0));
        assertEquals(4, lines.size(), r.stdout());
        for (int k = 1; k <= 3; k++) {
            String m = "m" + k;
            String expected = cluster.machineId(m).substring(0, 8) + "...\t127.0.0.1" + k + "\t";
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(expected) && l.contains("machine=" + m)),
                    "no row for " + m + " in\n" + r.stdout());
        }
    }

    @Test
    @Order(2)
    void theEngineLeaderIsOneOfTheMachines(Cluster cluster) {
        assertTrue(cluster.machines().contains(cluster.leader()));
    }

    @Test
    @Order(3)
    void aCleanlyStoppedMachineLeavesAtOnce(Cluster cluster) {
        String gone = cluster.machineId("m3");
        cluster.stop("m3"); // returns once the machine has shut down
        // "At once": the first listing after the stop already lacks it (no TTL involved).
        List<String> ids = listedIds(cluster, "m1");
        assertFalse(ids.contains(gone), ids.toString());
        assertEquals(2, ids.size(), ids.toString());
    }

    @Test
    @Order(4)
    void aKilledMachineLeavesWithinItsTtl(Cluster cluster) {
        String gone = cluster.machineId("m2");
        long killed = System.nanoTime();
        cluster.kill("m2");
        await().atMost(Duration.ofSeconds(TTL_SECONDS + 5)).pollInterval(Duration.ofMillis(200))
                .until(() -> !listedIds(cluster, "m1").contains(gone));
        System.out.printf("killed machine left the list after %d ms (ttl %d s)%n",
                (System.nanoTime() - killed) / 1_000_000, TTL_SECONDS);
    }
}
