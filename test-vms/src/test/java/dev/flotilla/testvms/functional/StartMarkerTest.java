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
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start marker on real systemd (issue 17): {@code flotctl start} ends as soon as the unit's
 * machine answered the start, exit 1 at once with the journal lines when it failed, exit 0 for a
 * oneshot that ran, at once for a unit already active; list-units shows NRestarts and the state
 * change time. Timings are printed with the load average, never asserted.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 2, ttlSeconds = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StartMarkerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Cluster cluster;
    private UnitsInCluster units;

    @BeforeEach
    void setUp(Cluster cluster) {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
    }

    /** flotctl in m1, timed. */
    private CommandResult timed(String what, String... args) {
        long t0 = System.nanoTime();
        CommandResult r = cluster.flotctl("m1", args);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("%s: exit %d in %d ms (flotctl's JVM start and nsenter included; load %s)%n", what, r.exitCode(), ms,
                UnitsInCluster.loadAverage());
        System.out.println("  stdout: " + r.stdout().strip().replace("\n", "\n          "));
        System.out.println("  stderr: " + r.stderr().strip().replace("\n", "\n          "));
        return r;
    }

    @Test
    @Order(1)
    void aStartThatFailsAtOnceExitsOneWithItsJournalLines() {
        units.write("m1", "/root/false.service", UnitsInCluster.unit("fails at once", "ExecStart=/bin/false", ""));
        // no --block-attempts: without the marker this waited forever
        CommandResult r = timed("start of ExecStart=/bin/false", "start", "/root/false.service");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("Unit false.service failed to start on "), r.stderr());
        assertTrue(r.stderr().contains("last journal lines of false.service:"), r.stderr());
    }

    @Test
    @Order(2)
    void aOneshotThatRanExitsZeroAndAUnitAlreadyActiveReturnsAtOnce() {
        units.write("m1", "/root/once.service", UnitsInCluster.unit("runs once", "Type=oneshot\nExecStart=/bin/true", ""));
        CommandResult once = timed("start of a oneshot exiting 0", "start", "/root/once.service");
        assertEquals(0, once.exitCode(), once.toString());
        assertTrue(once.stdout().contains("Unit once.service launched on "), once.stdout());

        units.write("m1", "/root/up.service", UnitsInCluster.unit("stays up", "ExecStart=/bin/sleep infinity", ""));
        CommandResult first = timed("start of a sleeper", "start", "/root/up.service");
        assertEquals(0, first.exitCode(), first.toString());
        String where = units.machineOf("m1", "up.service").orElseThrow();
        assertEquals("active", units.systemdActive(where, "up.service"));
        CommandResult again = timed("start of the same sleeper, already active", "start", "/root/up.service");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("Unit up.service launched on "), again.stdout());
    }

    @Test
    @Order(3)
    void listUnitsShowsTheRestartsAndTheStateChangeTimeOfAUnitThatKeepsDying() {
        units.write("m1", "/root/dies.service", "[Unit]\nDescription=dies every second\nStartLimitIntervalSec=0\n\n"
                + "[Service]\nExecStart=/bin/sh -c 'sleep 1; exit 1'\nRestart=always\nRestartSec=1\n");
        CommandResult r = timed("start of a Restart=always unit", "start", "/root/dies.service");
        assertEquals(0, r.exitCode(), r.toString());
        AtomicReference<String> row = new AtomicReference<>("");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            String line = cluster.flotctl("m2", "list-units", "--no-legend", "--fields", "unit,restarts,since")
                    .requireOk("list-units").out().lines().filter(l -> l.startsWith("dies.service")).findFirst().orElse("");
            row.set(line);
            String[] f = line.split("\t");
            return f.length == 3 && Integer.parseInt(f[1].strip()) >= 2;
        });
        System.out.println("list-units --fields unit,restarts,since: " + row.get());
        String[] f = row.get().split("\t");
        String where = units.machineOf("m1", "dies.service").orElseThrow();
        int systemd = Integer.parseInt(cluster.exec(where, "systemctl", "show", "-p", "NRestarts", "--value", "dies.service").out().strip());
        assertTrue(systemd >= Integer.parseInt(f[1].strip()), "never more than systemd counted: " + systemd + " vs " + row.get());
        assertTrue(f[2].matches("[A-Z][a-z]{2} \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} .+"), "systemctl's time: " + f[2]);
        cluster.flotctl("m1", "destroy", "dies.service").requireOk("destroy");
    }
}
