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
import java.util.Map;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fleet's remaining command scenarios on a real cluster: list-unit-files order, --replace at each
 * state, a cleanly stopped machine's MachineOf pair moving together at once, and a machine that
 * joins moving nothing.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnitCommandsOnClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Cluster cluster;
    private UnitsInCluster units;

    @BeforeEach
    void setUp(Cluster cluster) {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
    }

    private static String sleeper(String description, String xfleet) {
        return UnitsInCluster.unit(description, "ExecStart=/bin/sleep infinity", xfleet.isEmpty() ? "" : "[X-Fleet]\n" + xfleet);
    }

    @Test
    @Order(1)
    void listUnitFilesShowsTwentyUnitsInNameOrder() {
        List<String> args = new ArrayList<>(List.of("submit"));
        List<String> names = new ArrayList<>();
        for (int i = 20; i >= 1; i--) {
            String name = (i % 2 == 0 ? "zeta-" : "alpha-") + i + ".service";
            units.write("m1", "/root/order/" + name, sleeper(name, ""));
            args.add("/root/order/" + name);
            names.add(name);
        }
        cluster.flotctl("m1", args.toArray(String[]::new)).requireOk("submit 20");
        List<String> listed = cluster.flotctl("m2", "list-unit-files", "--no-legend", "--fields=unit")
                .requireOk("list-unit-files").out().lines().toList();
        assertEquals(names.stream().sorted().toList(), listed);
    }

    @Test
    @Order(2)
    void replaceWorksAtEveryStateAndIsRefusedWithoutTheFlag() {
        String file = "/root/rep.service";
        units.write("m1", file, sleeper("v1", ""));
        cluster.flotctl("m1", "submit", file).requireOk("submit v1");
        assertEquals(sleeper("v1", ""), cluster.flotctl("m1", "cat", "rep.service").requireOk("cat").stdout());

        units.write("m1", file, sleeper("v2", ""));
        CommandResult refused = cluster.flotctl("m1", "submit", file);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("--replace"), refused.stderr());
        cluster.flotctl("m1", "submit", "--replace", file).requireOk("submit --replace (inactive)");
        assertEquals(sleeper("v2", ""), cluster.flotctl("m1", "cat", "rep.service").requireOk("cat").stdout());

        units.write("m1", file, sleeper("v3", ""));
        cluster.flotctl("m1", "load", "--replace", file).requireOk("load --replace");
        String where = units.machineOf("m1", "rep.service").orElseThrow();
        await().atMost(WAIT).until(() -> cluster.exec(where, "systemctl", "show", "-p", "Description", "rep.service")
                .out().equals("Description=v3"));

        units.write("m1", file, sleeper("v4", ""));
        cluster.flotctl("m1", "start", "--replace", file).requireOk("start --replace");
        String now = units.machineOf("m1", "rep.service").orElseThrow();
        await().atMost(WAIT).until(() -> cluster.exec(now, "systemctl", "show", "-p", "Description", "rep.service")
                .out().equals("Description=v4") && units.systemdActive(now, "rep.service").equals("active"));

        units.write("m1", file, sleeper("v5", ""));
        cluster.flotctl("m1", "start", "--replace", file).requireOk("start --replace while running");
        await().atMost(WAIT).until(() -> cluster.exec(now, "systemctl", "show", "-p", "Description", "rep.service")
                .out().equals("Description=v5") && units.systemdActive(now, "rep.service").equals("active"));
        assertEquals(List.of(now), units.runningOn("rep.service"));
        cluster.flotctl("m1", "restart", "rep.service").requireOk("restart");
        assertEquals("active", units.systemdActive(now, "rep.service"));
    }

    @Test
    @Order(3)
    void aCleanlyStoppedMachinesPairMovesTogetherAtOnceAndAJoiningMachineMovesNothing() {
        units.write("m1", "/root/duo.service", sleeper("duo", "MachineMetadata=machine!=m1"));
        units.write("m1", "/root/duo-side.service", sleeper("duo side", "MachineOf=duo.service"));
        cluster.flotctl("m1", "start", "/root/duo.service", "/root/duo-side.service").requireOk("start pair");
        String before = units.machineOf("m1", "duo.service").orElseThrow();
        assertEquals(before, units.machineOf("m1", "duo-side.service").orElseThrow());

        long stopped = System.nanoTime();
        cluster.stop(before);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, UnitsInCluster.Row> rows = units.listUnits("m1");
            UnitsInCluster.Row duo = rows.get("duo.service");
            UnitsInCluster.Row side = rows.get("duo-side.service");
            return duo != null && side != null && duo.active().equals("active") && side.active().equals("active")
                    && !units.machineNamed(duo.machineId()).equals(before);
        });
        System.out.printf("a cleanly stopped machine's MachineOf pair active elsewhere %d ms after the stop returned%n",
                (System.nanoTime() - stopped) / 1_000_000);
        String after = units.machineOf("m1", "duo.service").orElseThrow();
        assertNotEquals(before, after);
        assertEquals(after, units.machineOf("m1", "duo-side.service").orElseThrow(), "the pair moved together");

        Map<String, String> placement = units.listUnits("m1").values().stream()
                .collect(Collectors.toMap(UnitsInCluster.Row::unit, UnitsInCluster.Row::machineId));
        cluster.start(before);
        await().atMost(WAIT).until(() -> cluster.flotctl("m1", "list-machines", "--no-legend").out().lines().count() == 3);
        Map<String, String> later = units.listUnits("m1").values().stream()
                .collect(Collectors.toMap(UnitsInCluster.Row::unit, UnitsInCluster.Row::machineId));
        assertEquals(placement, later, "a joining machine takes nothing from the others");
    }
}
