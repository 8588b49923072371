package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A unit's life through the cluster, checked in the machines' own systemd: start, state changes
 * reported, stop, unload, destroy, and a sidekick pulled in by [Install] WantedBy=.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
class UnitLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String UNIT_DIR = "/run/flotilla/units/";

    private Cluster cluster;
    private UnitsInCluster units;

    @BeforeEach
    void setUp(Cluster cluster) {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
    }

    @Test
    void aStartedUnitRunsInExactlyOneMachinesSystemdAndStopUnloadDestroyUndoIt() {
        units.write("m1", "/root/hello.service", UnitsInCluster.unit("hello", "ExecStart=/bin/sleep infinity", ""));
        cluster.flotctl("m1", "start", "/root/hello.service").requireOk("flotctl start");

        String where = units.machineOf("m1", "hello.service").orElseThrow();
        assertEquals("active", units.systemdActive(where, "hello.service"));
        assertEquals("SubState=running", cluster.exec(where, "systemctl", "show", "-p", "SubState", "hello.service").out());
        assertEquals(List.of(where), units.runningOn("hello.service"), "runs on one machine only");
        assertEquals("active", units.listUnits("m2").get("hello.service").active(), "every daemon answers the same");

        cluster.flotctl("m1", "stop", "hello.service").requireOk("flotctl stop");
        assertNotEquals("active", units.systemdActive(where, "hello.service"));
        assertTrue(cluster.exec(where, "test", "-f", UNIT_DIR + "hello.service").ok(), "stopped = still loaded");

        cluster.flotctl("m1", "unload", "hello.service").requireOk("flotctl unload");
        await().atMost(WAIT).until(() -> !cluster.exec(where, "test", "-f", UNIT_DIR + "hello.service").ok());
        assertFalse(cluster.exec(where, "systemctl", "cat", "hello.service").ok(), "systemd forgot the unit file");

        cluster.flotctl("m1", "destroy", "hello.service").requireOk("flotctl destroy");
        CommandResult files = cluster.flotctl("m1", "list-unit-files", "--no-legend").requireOk("list-unit-files");
        assertFalse(files.out().contains("hello.service"), files.out());
    }

    @Test
    void aStateChangeInSystemdReachesTheApiQuickly() {
        units.write("m1", "/root/ticker.service", UnitsInCluster.unit("ticker", "ExecStart=/bin/sleep infinity\nRestart=no", ""));
        cluster.flotctl("m1", "start", "/root/ticker.service").requireOk("flotctl start");
        String where = units.machineOf("m1", "ticker.service").orElseThrow();

        long killed = System.nanoTime();
        cluster.exec(where, "systemctl", "kill", "--signal=KILL", "ticker.service").requireOk("systemctl kill");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> units.stateJson("m1", "ticker.service").contains("\"systemdActiveState\":\"failed\""));
        System.out.printf("systemd state change visible in the API after %d ms (includes the kill command's own round trip)%n",
                (System.nanoTime() - killed) / 1_000_000);
        assertEquals("failed", units.listUnits("m1").get("ticker.service").active());
        cluster.flotctl("m1", "destroy", "ticker.service").requireOk("destroy");
        await().atMost(WAIT).until(() -> !units.listUnits("m1").containsKey("ticker.service"));
    }

    @Test
    void aSidekickWantedByItsMainUnitIsPulledAlong() {
        units.write("m1", "/root/main.service", UnitsInCluster.unit("main", "ExecStart=/bin/sleep infinity", ""));
        units.write("m1", "/root/main-sidekick.service", UnitsInCluster.unit("sidekick",
                "ExecStart=/bin/sleep infinity", "[Install]\nWantedBy=main.service\n\n[X-Fleet]\nMachineOf=main.service"));
        cluster.flotctl("m1", "load", "/root/main.service").requireOk("load main");
        cluster.flotctl("m1", "load", "/root/main-sidekick.service").requireOk("load sidekick");
        cluster.flotctl("m1", "start", "main.service").requireOk("start main");
        String where = units.machineOf("m1", "main.service").orElseThrow();
        await().atMost(WAIT).until(() -> units.systemdActive(where, "main-sidekick.service").equals("active"));
        cluster.flotctl("m1", "destroy", "main.service", "main-sidekick.service").requireOk("destroy");
    }
}
