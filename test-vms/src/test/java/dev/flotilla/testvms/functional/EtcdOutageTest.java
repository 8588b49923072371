package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.ClusterException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * etcd away for 10 s, 60 s and 180 s while 100 units run on 4 machines: gRPC's reconnect backoff
 * grows with an outage, so without a bound a daemon came back after its lease had run out and the
 * engine moved its units (up to a minute on two machines). Each outage must end with every daemon's
 * old lease resumed, /health 200 on every machine, and every unit running where it ran, in the
 * same process, once (read from each machine's systemd). Reconnect times are printed.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 4, ttlSeconds = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int UNITS = 100;
    /** A unit of realistic size (~560 bytes). */
    private static final String TEMPLATE = """
            [Unit]
            Description=Order intake worker %i (reads the queue, writes the ledger)
            After=network-online.target
            Wants=network-online.target

            [Service]
            Environment=WORKER_ID=%i
            Environment=QUEUE_URL=amqp://queue.internal:5672/orders
            Environment=LEDGER_DIR=/var/lib/ledger
            Environment=LOG_LEVEL=info
            ExecStartPre=/bin/sh -c 'test -d /run || exit 1'
            ExecStart=/bin/sh -c 'exec sleep infinity # --worker=%i --queue=$QUEUE_URL --ledger=$LEDGER_DIR'
            Restart=on-failure
            RestartSec=2
            TimeoutStopSec=10

            [X-Fleet]
            MachineMetadata=machine!=none
            """;

    private Cluster cluster;
    private UnitsInCluster units;

    @BeforeEach
    void setUp(Cluster cluster) {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
    }

    private List<String> names() {
        return IntStream.rangeClosed(1, UNITS).mapToObj(i -> "worker@" + i + ".service").toList();
    }

    @Test
    @Order(1)
    void start100Units() {
        String via = cluster.machines().get(0);
        units.write(via, "/root/worker@.service", TEMPLATE);
        cluster.flotctl(via, "submit", "/root/worker@.service").requireOk("submit template");
        List<String> args = new ArrayList<>(List.of("start", "--block-attempts=60"));
        args.addAll(names());
        cluster.flotctl(via, args.toArray(String[]::new)).requireOk("start " + UNITS);
    }

    @Test
    @Order(2)
    void etcdAway10Seconds() {
        outage(Duration.ofSeconds(10));
    }

    @Test
    @Order(3)
    void etcdAway60Seconds() {
        outage(Duration.ofSeconds(60));
    }

    @Test
    @Order(4)
    void etcdAway180Seconds() {
        outage(Duration.ofSeconds(180));
    }

    private void outage(Duration length) {
        List<String> all = names();
        Map<String, String> pidsBefore = mainPids();
        assertEquals(UNITS, pidsBefore.size(), "every unit runs once before the outage: " + pidsBefore.keySet());
        TreeSet<Long> leasesBefore = machineLeases();
        assertEquals(cluster.machines().size(), leasesBefore.size(), "one lease per machine");

        cluster.etcdStop();
        long stopped = System.nanoTime();
        try {
            // Throughout, every unit keeps running where it ran (sampled every few seconds).
            await().atMost(length.plus(WAIT)).pollInterval(Duration.ofSeconds(5)).until(() -> {
                assertEquals(pidsBefore, mainPids(), "units keep running, untouched, while etcd is away");
                return System.nanoTime() - stopped >= length.toNanos();
            });
        } finally {
            cluster.etcdStart(); // returns once etcd's /health answers
        }
        long back = System.nanoTime();

        // Every daemon back: /health 200 (it says 503 while its lease is lost).
        Map<String, Long> healthyAfterMs = new TreeMap<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (String m : cluster.machines()) {
                if (!healthyAfterMs.containsKey(m) && healthy(m)) {
                    healthyAfterMs.put(m, (System.nanoTime() - back) / 1_000_000);
                }
            }
            return healthyAfterMs.size() == cluster.machines().size();
        });
        String load = UnitsInCluster.loadAverage();
        assertEquals(leasesBefore, machineLeases(), "every daemon resumed its own lease");
        // A barrier: a unit started after the return is active, so the engine and the agents have acted on it.
        String probe = "worker@" + (1000 + length.toSeconds()) + ".service";
        cluster.flotctl(cluster.machines().get(0), "start", "--block-attempts=60", probe).requireOk("start " + probe);
        assertEquals(pidsBefore, without(mainPids(), probe), "0 units moved or restarted, none on two machines");
        cluster.flotctl(cluster.machines().get(0), "destroy", probe).requireOk("destroy " + probe);
        System.out.printf("etcd away %d s: /health 200 again on every machine %s ms after etcd answered (load %s); "
                        + "every lease resumed; 0 of %d units moved, restarted or doubled (machine TTL 3 s)%n",
                length.toSeconds(), healthyAfterMs, load, all.size());
    }

    private boolean healthy(String machine) {
        try {
            return cluster.apiGet(machine, "/health").statusCode() == 200;
        } catch (ClusterException e) {
            return false;
        }
    }

    private static Map<String, String> without(Map<String, String> m, String unit) {
        Map<String, String> copy = new HashMap<>(m);
        copy.remove(unit);
        return copy;
    }

    /** Unit to "machine:MainPID" of every running worker; one running on two machines fails here. */
    private Map<String, String> mainPids() {
        Map<String, String> once = new TreeMap<>();
        units.activeWithPids(names()).forEach((unit, where) -> {
            if (where.size() != 1) {
                throw new AssertionError(unit + " runs on " + where.size() + " machines: " + where);
            }
            once.put(unit, where.get(0));
        });
        return once;
    }

    /** The leases the machines' registrations hang on, as etcd has them. */
    private TreeSet<Long> machineLeases() {
        CommandResult r = cluster.command(Duration.ofSeconds(20), List.of("etcdctl", "--endpoints=" + cluster.etcdEndpoint(),
                "--command-timeout=5s", "get", "--prefix", "/flotilla/machines/", "-w", "fields"));
        r.requireOk("etcdctl get machines");
        TreeSet<Long> leases = new TreeSet<>();
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("\"Lease\" : ")) {
                leases.add(Long.parseLong(line.substring("\"Lease\" : ".length()).trim()));
            }
        }
        return leases;
    }

}
