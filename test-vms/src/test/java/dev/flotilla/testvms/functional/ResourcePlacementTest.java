package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 on real machines: each announces 1.5 GiB, each unit reserves the 1 GiB systemd enforces
 * (MemoryMax=1G), so one fits per machine; the fourth waits saying why until one is stopped, and `flotctl plan` of a
 * fifth says the same without writing anything.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3, flotdConf = {"capacity_memory=1536M"})
class ResourcePlacementTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GIG = UnitsInCluster.unit("a gigabyte", "ExecStart=/bin/sleep infinity\nMemoryMax=1G", "");

    @Test
    void fourGigabyteUnitsOnThreeMachinesOfOneAndAHalfRunThreeAndTheFourthWaitsUntilOneIsUnloaded(Cluster cluster) {
        UnitsInCluster units = new UnitsInCluster(cluster);
        List<String> args = new ArrayList<>(List.of("start", "--no-block"));
        List<String> names = List.of("mem1.service", "mem2.service", "mem3.service", "mem4.service");
        for (String name : names) {
            units.write("m1", "/root/units/" + name, GIG);
            args.add("/root/units/" + name);
        }
        units.write("m1", "/root/units/mem5.service", GIG);
        cluster.flotctl("m1", args.toArray(String[]::new)).requireOk("start --no-block");

        // three active, one per machine; the fourth waits with the figures
        await().atMost(WAIT).until(() -> activeMachines(units, names).size() == 3 && waiting(cluster).size() == 1);
        Map<String, String> active = activeMachines(units, names);
        assertEquals(3, new HashSet<>(active.values()).size(), "one per machine: " + active);
        Map<String, String> waiting = waiting(cluster);
        String waiter = waiting.keySet().iterator().next();
        String reason = waiting.get(waiter);
        assertTrue(reason.contains("memory") && reason.matches(".*\\d.*"), "the reason gives the figure: " + reason);
        System.out.println("waiting: " + waiter + ": " + reason);

        // systemd enforces what the scheduler reserved
        String someUnit = active.keySet().iterator().next();
        assertEquals("MemoryMax=1073741824",
                cluster.exec(active.get(someUnit), "systemctl", "show", "-p", "MemoryMax", someUnit).out().strip());

        // list-machines: 1G of 1.5G on each, one unit each
        CommandResult machines = cluster.flotctl("m1", "list-machines", "--no-legend", "--fields=memory,units")
                .requireOk("list-machines");
        assertEquals(List.of("1G/1.5G\t1", "1G/1.5G\t1", "1G/1.5G\t1"), machines.out().lines().toList());

        // a plan of a fifth: the same verdict, nothing written
        long before = etcdRevision(cluster);
        CommandResult plan = cluster.flotctl("m1", "plan", "--no-legend", "/root/units/mem5.service");
        System.out.println("flotctl list-machines --fields=memory,units:\n" + machines.out() + "\nflotctl plan:\n" + plan.out());
        assertEquals(3, plan.exitCode(), plan.toString());
        assertEquals("mem5.service\twait: " + reason, plan.out().strip());
        assertEquals(before, etcdRevision(cluster), "plan writes nothing");

        // stop one: it stays loaded on its machine, as in fleet, but only a launched unit reserves
        // its demand, so the waiting unit takes the room.
        String stopped = active.keySet().iterator().next();
        String freed = active.get(stopped);
        cluster.flotctl("m1", "stop", stopped).requireOk("stop " + stopped);
        await().atMost(WAIT).until(() -> freed.equals(units.machineOf("m1", waiter).orElse(""))
                && "active".equals(units.systemdActive(freed, waiter)));
        assertTrue(waiting(cluster).isEmpty(), "nothing waits: " + waiting(cluster));
    }

    /** Unit to machine name, for the given units that systemd runs. */
    private static Map<String, String> activeMachines(UnitsInCluster units, List<String> names) {
        Map<String, String> where = new TreeMap<>();
        units.runningOn(names).forEach((unit, on) -> {
            if (on.size() == 1) {
                where.put(unit, on.get(0));
            }
        });
        return where;
    }

    /** Unit to waiting reason, from list-unit-files' waiting column. */
    private static Map<String, String> waiting(Cluster cluster) {
        CommandResult r = cluster.flotctl("m1", "list-unit-files", "--no-legend", "--fields=unit,waiting")
                .requireOk("list-unit-files");
        Map<String, String> waiting = new TreeMap<>();
        for (String line : r.out().lines().toList()) {
            String[] f = line.split("\t", 2);
            if (f.length == 2 && !f[1].equals("-")) {
                waiting.put(f[0], f[1]);
            }
        }
        return waiting;
    }

    private static long etcdRevision(Cluster cluster) {
        CommandResult r = cluster.command(Duration.ofSeconds(20), List.of("etcdctl", "--endpoints=" + cluster.etcdEndpoint(),
                "--command-timeout=5s", "endpoint", "status", "-w", "fields")).requireOk("etcdctl endpoint status");
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("\"Revision\" : ")) {
                return Long.parseLong(line.substring("\"Revision\" : ".length()).trim());
            }
        }
        throw new AssertionError("no revision in " + r.out());
    }

}
