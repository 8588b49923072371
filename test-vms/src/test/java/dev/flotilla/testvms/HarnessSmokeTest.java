package dev.flotilla.testvms;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness itself, without relying on anything flotd does: one machine boots a real systemd,
 * runs Java, tried to start flotd.service, can be frozen, thawed, stopped, started with the same
 * machine id, and killed.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 1, readiness = Readiness.BOOT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HarnessSmokeTest {

    @Test
    @Order(1)
    void machineBootsRealSystemd(Cluster cluster) {
        CommandResult r = cluster.exec("m1", "systemctl", "is-system-running", "--wait");
        assertTrue(Set.of("running", "degraded").contains(r.out()), () -> "is-system-running: " + r);

        assertEquals("m1", cluster.exec("m1", "hostname").requireOk("hostname").out());
        String id = cluster.machineId("m1");
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertEquals(id, cluster.exec("m1", "cat", "/etc/machine-id").requireOk("machine-id").out());
        assertEquals("https://127.0.0.11:49153", cluster.endpoint("m1"));
        assertEquals("running", cluster.state("m1"));
    }

    @Test
    @Order(2)
    void javaRunsInsideAndSystemdStartedFlotd(Cluster cluster) {
        CommandResult java = cluster.exec("m1", "java", "-version");
        assertEquals(0, java.exitCode(), java::toString);
        assertTrue(java.stderr().contains("version \"17"), java::toString);

        assertTrue(cluster.exec("m1", "test", "-x", Cluster.FLOTCTL).ok(), "/opt/flotilla is bound in the machine");
        String conf = cluster.exec("m1", "cat", "/etc/flotilla/flotd.conf").requireOk("cat flotd.conf").stdout();
        assertTrue(conf.contains("public_ip=127.0.0.11"), conf);
        assertTrue(conf.contains("metadata=machine=m1,az=a"), conf);

        // systemd.wants=flotd.service on the machine's command line made systemd start it at least once
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String ts = cluster.exec("m1", "systemctl", "show", "-P", "ExecMainStartTimestampMonotonic", "flotd.service").out();
            return !ts.isEmpty() && !ts.equals("0");
        });
    }

    @Test
    @Order(3)
    void freezeAndThaw(Cluster cluster) {
        cluster.freeze("m1");
        assertEquals("frozen", cluster.state("m1"));
        cluster.thaw("m1");
        assertEquals("running", cluster.state("m1"));
        assertEquals(0, cluster.exec("m1", "true").exitCode());
    }

    @Test
    @Order(4)
    void stopAndStartKeepTheMachineId(Cluster cluster) {
        String id = cluster.machineId("m1");
        cluster.stop("m1");
        assertEquals("stopped", cluster.state("m1"));
        cluster.start("m1");
        assertEquals("running", cluster.state("m1"));
        assertEquals(id, cluster.exec("m1", "cat", "/etc/machine-id").requireOk("machine-id").out());
    }

    @Test
    @Order(5)
    void killedMachineIsGone(Cluster cluster) {
        cluster.kill("m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.state("m1"), equalTo("stopped"));
        assertTrue(cluster.status().lines().anyMatch(l -> l.startsWith("m1") && l.contains("stopped")), cluster::status);
        CommandResult r = cluster.exec("m1", "true");
        assertTrue(!r.ok() && r.stderr().contains("not running"), r::toString);
    }
}
