package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real-systemd figure fleet is compared on: a blocking {@code flotctl start} of 100 and of 300
 * units on 3 machines, until all are active. Prints the times (fleet 1.0 here: 4.0-5.5 s and
 * 7.0-11.5 s), the host's load average, and flotd's resident memory (VmRSS, VmHWM) on each machine
 * running 100 units; asserts only that every unit ran, once. The machines run flotd as it ships:
 * the API on the unix socket only (a TLS API on TCP adds ~10 MiB, see docs/benchmarks.md).
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3, unixApiOnly = true)
class StartThroughputTest {

    @Test
    void start100And300UnitsOnThreeMachines(Cluster cluster) {
        UnitsInCluster units = new UnitsInCluster(cluster);
        units.write("m1", "/root/bench@.service", UnitsInCluster.unit("bench %i", "ExecStart=/bin/sleep infinity", ""));
        cluster.flotctl("m1", "submit", "/root/bench@.service").requireOk("submit template");
        for (int n : new int[]{100, 300}) {
            List<String> names = IntStream.rangeClosed(1, n).mapToObj(i -> "bench@" + i + ".service").toList();
            List<String> args = new ArrayList<>(List.of("start"));
            args.addAll(names);
            long t0 = System.nanoTime();
            cluster.flotctl("m1", args.toArray(String[]::new)).requireOk("start " + n);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Map<String, List<String>> on = units.runningOn(names);
            names.forEach(u -> assertEquals(1, on.get(u).size(), u + " runs on " + on.get(u)));
            System.out.printf("flotctl start of %d units on 3 machines until all active: %d ms (JVM start of flotctl included); "
                    + "load average %s%n", n, ms, UnitsInCluster.loadAverage());
            if (n == 300) {
                for (String m : cluster.machines()) {
                    System.out.printf("flotd on %s running %d units: %s%n", m, on.values().stream().filter(w -> w.contains(m)).count(),
                            flotdMemory(cluster, m));
                    nativeMemory(cluster, m).ifPresent(nmt -> System.out.printf("flotd on %s, native memory tracking:%n%s%n", m, nmt));
                }
            }

            List<String> destroy = new ArrayList<>(List.of("destroy"));
            destroy.addAll(names);
            cluster.flotctl("m1", destroy.toArray(String[]::new)).requireOk("destroy " + n);
            await().atMost(Duration.ofSeconds(60)).until(() -> units.runningOn(names).values().stream().allMatch(List::isEmpty));
        }
    }

    /** VmRSS, VmHWM and thread count of the machine's flotd, from /proc inside the machine. */
    static String flotdMemory(Cluster cluster, String machine) {
        return cluster.exec(machine, "/bin/sh", "-c",
                        "grep -E '^(VmRSS|VmHWM|Threads):' /proc/$(systemctl show -P MainPID flotd.service)/status")
                .requireOk("flotd's /proc status in " + machine).out().replaceAll("\\s+", " ");
    }

    /**
     * flotd's {@code jcmd VM.native_memory summary} (committed KiB per category), when its JVM runs
     * with -XX:NativeMemoryTracking (see Cluster: flotilla.flotd.java.opts).
     */
    static java.util.Optional<String> nativeMemory(Cluster cluster, String machine) {
        CommandResult r = cluster.exec(machine, "/bin/sh", "-c",
                "jcmd $(systemctl show -P MainPID flotd.service) VM.native_memory summary");
        if (!r.ok() || !r.stdout().contains("Total:")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(r.stdout().lines()
                .filter(l -> l.matches("^(Total|-\\s+[A-Za-z ]+\\().*"))
                .map(String::strip).collect(java.util.stream.Collectors.joining("\n")));
    }

}
