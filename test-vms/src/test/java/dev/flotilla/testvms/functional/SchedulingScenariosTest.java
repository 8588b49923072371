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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fleet's scheduling scenarios on a real 3-machine cluster, each checked in the machines' systemd. */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
class SchedulingScenariosTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SLEEP = "ExecStart=/bin/sleep infinity";

    private Cluster cluster;
    private UnitsInCluster units;

    @BeforeEach
    void setUp(Cluster cluster) {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
    }

    /** Writes each unit into m1 and runs {@code flotctl <command> [flags] <files>} there. */
    private CommandResult flotctl(String command, List<String> flags, Map<String, String> unitTexts) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(flags);
        unitTexts.forEach((name, text) -> {
            units.write("m1", "/root/units/" + name, text);
            args.add("/root/units/" + name);
        });
        return cluster.flotctl("m1", args.toArray(String[]::new));
    }

    private static String unit(String xfleet) {
        return UnitsInCluster.unit("scenario", SLEEP, xfleet.isEmpty() ? "" : "[X-Fleet]\n" + xfleet);
    }

    private String machineOf(String unit) {
        return units.machineOf("m1", unit).orElseThrow(() -> new AssertionError(unit + " is not scheduled"));
    }

    @Test
    void machineOfPairsLandTogether() {
        flotctl("start", List.of(), Map.of("pair.service", unit(""),
                "pair-side.service", unit("MachineOf=pair.service"))).requireOk("start");
        assertEquals(machineOf("pair.service"), machineOf("pair-side.service"));
        assertEquals("active", units.systemdActive(machineOf("pair.service"), "pair-side.service"));
    }

    @Test
    void fiveConflictingUnitsOnThreeMachinesRunThreeOnDistinctMachines() {
        Map<String, String> five = new java.util.TreeMap<>();
        for (int i = 1; i <= 5; i++) {
            five.put("conflict" + i + ".service", unit("Conflicts=conflict*"));
        }
        flotctl("start", List.of("--no-block"), five).requireOk("start --no-block");
        await().atMost(WAIT).until(() -> units.listUnits("m1").values().stream()
                .filter(r -> r.unit().startsWith("conflict") && r.active().equals("active")).count() == 3);
        Set<String> machines = new HashSet<>();
        int running = 0;
        for (String name : five.keySet()) {
            List<String> on = units.runningOn(name);
            running += on.size();
            machines.addAll(on);
        }
        assertEquals(3, running, "exactly three run");
        assertEquals(3, machines.size(), "on distinct machines");
    }

    @Test
    void aOneWayConflictAndSeveralPatternsOnOneLineKeepUnitsApart() {
        flotctl("start", List.of(), Map.of("oneway-a.service", unit("Conflicts=oneway-b.service"),
                "oneway-b.service", unit(""))).requireOk("start");
        assertNotEquals(machineOf("oneway-a.service"), machineOf("oneway-b.service"));

        flotctl("start", List.of(), Map.of("multi-x.service", unit("Conflicts=multi-y.service multi-z.service"),
                "multi-y.service", unit("Conflicts=multi-z.service"),
                "multi-z.service", unit(""))).requireOk("start");
        assertEquals(3, Set.of(machineOf("multi-x.service"), machineOf("multi-y.service"), machineOf("multi-z.service")).size());
    }

    @Test
    void mutualReplacesRunsOnlyOne() {
        flotctl("start", List.of("--no-block"), Map.of("mutual-a.service", unit("Replaces=mutual-b.service"),
                "mutual-b.service", unit("Replaces=mutual-a.service"))).requireOk("start --no-block");
        await().atMost(WAIT).until(() -> units.runningOn("mutual-a.service").size() + units.runningOn("mutual-b.service").size() == 1);
        // And it stays that way.
        assertEquals(1, units.runningOn("mutual-a.service").size() + units.runningOn("mutual-b.service").size());
    }

    @Test
    void replacesMovesTheReplacedUnitAway() {
        flotctl("start", List.of(), Map.of("old-web.service", unit("MachineMetadata=machine=m2"))).requireOk("start old");
        assertEquals("m2", machineOf("old-web.service"));
        flotctl("start", List.of(), Map.of("new-web.service", unit("MachineMetadata=machine=m2\nReplaces=old-web.service")))
                .requireOk("start new");
        assertEquals("m2", machineOf("new-web.service"));
        await().atMost(WAIT).until(() -> units.runningOn("old-web.service").isEmpty()
                || !units.runningOn("old-web.service").contains("m2"));
        assertTrue(units.runningOn("new-web.service").contains("m2"));
    }

    @Test
    void machineIdAndMetadataWithSpecifiersAndNegationChooseTheMachine() {
        String m3 = cluster.machineId("m3");
        flotctl("start", List.of(), Map.of("pinned.service", unit("MachineID=" + m3))).requireOk("start pinned");
        assertEquals("m3", machineOf("pinned.service"));

        flotctl("submit", List.of(), Map.of("meta@.service", unit("MachineMetadata=machine=%i"))).requireOk("submit template");
        cluster.flotctl("m1", "start", "meta@m2.service").requireOk("start instance");
        assertEquals("m2", machineOf("meta@m2.service"));

        flotctl("start", List.of(), Map.of("notm1.service", unit("MachineMetadata=machine!=m1"))).requireOk("start !=");
        assertNotEquals("m1", machineOf("notm1.service"));
    }

    @Test
    void globalUnitsRunOncePerMachineAndConflictingGlobalsShareNoMachine() {
        flotctl("start", List.of(), Map.of("everywhere.service", unit("Global=true"))).requireOk("start global");
        await().atMost(WAIT).until(() -> units.runningOn("everywhere.service").size() == 3);

        flotctl("start", List.of("--no-block"), Map.of("glob-a.service", unit("Global=true\nConflicts=glob-b.service"),
                "glob-b.service", unit("Global=true"))).requireOk("start conflicting globals");
        await().atMost(WAIT).until(() -> units.runningOn("glob-a.service").size() + units.runningOn("glob-b.service").size() >= 3);
        for (String m : cluster.machines()) {
            boolean a = units.systemdActive(m, "glob-a.service").equals("active");
            boolean b = units.systemdActive(m, "glob-b.service").equals("active");
            assertTrue(!(a && b), "both conflicting globals run on " + m);
        }
    }
}
