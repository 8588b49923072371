package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metadata set with fleet's PATCH of machines (scheduling by it, kept across a restart of the
 * machine's daemon), several units in one flotctl command, and fleetctl's stop/destroy checks.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MachineMetadataAndBatchTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Cluster cluster;
    private UnitsInCluster units;

    @BeforeEach
    void setUp(Cluster cluster) {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
    }

    private String metadataOf(String via, String machine) {
        String id = cluster.machineId(machine);
        for (String line : cluster.flotctl(via, "list-machines", "--full", "--no-legend").requireOk("list-machines").out()
                .lines().toList()) {
            if (line.startsWith(id)) {
                return line;
            }
        }
        return "";
    }

    @Test
    @Order(1)
    void patchedMetadataSchedulesUnitsAndOutlastsARestartOfTheDaemon() {
        String text = UnitsInCluster.unit("role web", "ExecStart=/bin/sleep infinity", "[X-Fleet]\nMachineMetadata=role=web\n");
        units.write("m1", "/root/roleweb.service", text);
        cluster.flotctl("m1", "start", "--no-block", "/root/roleweb.service").requireOk("start roleweb");

        String patch = "[{\"op\":\"add\",\"path\":\"/" + cluster.machineId("m2") + "/metadata/role\",\"value\":{\"value\":\"web\"}}]";
        var patched = cluster.apiRequest("m1", "PATCH", "/fleet/v1/machines", patch);
        assertEquals(204, patched.statusCode(), patched.body());
        var bad = cluster.apiRequest("m1", "PATCH", "/fleet/v1/machines", "[{\"op\":\"move\",\"path\":\"/x/metadata/y\"}]");
        assertEquals(400, bad.statusCode(), bad.body());

        await().atMost(WAIT).until(() -> metadataOf("m3", "m2").contains("role=web"));
        await().atMost(WAIT).until(() -> units.machineOf("m1", "roleweb.service").equals(Optional.of("m2")));

        cluster.stop("m2");
        cluster.start("m2");
        await().atMost(WAIT).until(() -> metadataOf("m1", "m2").contains("role=web"));
        await().atMost(WAIT).until(() -> units.machineOf("m1", "roleweb.service").equals(Optional.of("m2")));
        cluster.flotctl("m1", "destroy", "roleweb.service").requireOk("destroy roleweb");

        String remove = "[{\"op\":\"remove\",\"path\":\"/" + cluster.machineId("m2") + "/metadata/role\"}]";
        var removed = cluster.apiRequest("m1", "PATCH", "/fleet/v1/machines", remove);
        assertEquals(204, removed.statusCode(), removed.body());
        await().atMost(WAIT).until(() -> !metadataOf("m1", "m2").contains("role="));
    }

    @Test
    @Order(2)
    void severalUnitsInOneCommandAndFleetctlsStopChecks() {
        List<String> start = new ArrayList<>(List.of("start"));
        for (int i = 1; i <= 6; i++) {
            String path = "/root/batch" + i + ".service";
            units.write("m1", path, UnitsInCluster.unit("batch " + i, "ExecStart=/bin/sleep infinity", ""));
            start.add(path);
        }
        CommandResult started = cluster.flotctl("m1", start.toArray(String[]::new)).requireOk("start 6");
        assertEquals(6, started.out().lines().filter(l -> l.contains(" launched on ")).count(), started.out());

        units.write("m1", "/root/idle.service", UnitsInCluster.unit("idle", "ExecStart=/bin/sleep infinity", ""));
        cluster.flotctl("m1", "submit", "/root/idle.service").requireOk("submit idle");
        CommandResult refused = cluster.flotctl("m1", "stop", "batch1", "idle");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("Unable to stop unit idle.service in state inactive"), refused.stderr());

        CommandResult stopped = cluster.flotctl("m2", "stop", "batch1", "batch2", "batch3", "batch4", "batch5", "batch6")
                .requireOk("stop 6");
        assertTrue(stopped.stderr().contains("Successfully stopped units [batch1.service"), stopped.stderr());
        await().atMost(WAIT).until(() -> cluster.machines().stream()
                .noneMatch(m -> units.activeInSystemd(m).stream().anyMatch(u -> u.startsWith("batch"))));

        CommandResult missing = cluster.flotctl("m1", "destroy", "no-such-unit");
        assertEquals(0, missing.exitCode());
        assertTrue(missing.stderr().contains("Units not found in registry"), missing.stderr());

        List<String> destroy = new ArrayList<>(List.of("destroy", "idle"));
        for (int i = 1; i <= 6; i++) {
            destroy.add("batch" + i);
        }
        cluster.flotctl("m1", destroy.toArray(String[]::new)).requireOk("destroy");
    }
}
