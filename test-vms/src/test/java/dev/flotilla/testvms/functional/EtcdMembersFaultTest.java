package dev.flotilla.testvms.functional;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitDetail;
import dev.flotilla.model.DesiredState;
import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 3-member etcd, as run in production, every daemon given all three endpoints: the member that
 * is the raft leader is SIGKILLed, then a follower, each restarted later. While a member is down
 * (quorum remains) units are started and stopped; at the end nothing is lost and nothing doubled:
 * every launched unit active on exactly one machine's systemd, every stopped one on none, every
 * submitted unit there with its exact text. How long the daemons took is printed, not asserted.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3, etcdMembers = 3)
class EtcdMembersFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String TEMPLATE = UnitsInCluster.unit("load %i", "ExecStart=/bin/sleep infinity", "");
    private static final String CLIENT = "m1";

    private Cluster cluster;
    private UnitsInCluster units;
    private final Set<String> launched = new LinkedHashSet<>();
    private final Set<String> stopped = new LinkedHashSet<>();
    private final Map<String, String> texts = new LinkedHashMap<>();

    @Test
    void aKilledEtcdMemberLeaderOrFollowerLosesNoUnit(Cluster cluster) {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
        units.write(CLIENT, "/root/load@.service", TEMPLATE);
        cluster.flotctl(CLIENT, "submit", "/root/load@.service").requireOk("submit template");
        texts.put("load@.service", TEMPLATE);
        start(range(1, 60));
        Map<String, String> before = placement();

        int leader = Objects.requireNonNull(cluster.etcdLeader(), "no etcd leader");
        memberDown("leader", leader, range(61, 80), range(1, 10));
        int follower = IntStream.rangeClosed(1, 3).filter(k -> k != leader && !Integer.valueOf(k).equals(cluster.etcdLeader()))
                .findFirst().orElseThrow();
        memberDown("follower", follower, range(81, 100), range(11, 20));

        nothingLostNothingDoubled();
        Map<String, String> after = placement();
        long moved = before.keySet().stream().filter(after::containsKey).filter(u -> !before.get(u).equals(after.get(u))).count();
        System.out.printf("3-member etcd, leader and then a follower SIGKILLed and restarted: %d of %d units running since the start moved%n",
                moved, before.keySet().stream().filter(after::containsKey).count());
    }

    /** SIGKILLs etcd member {@code member}, starts and stops units while it is down, restarts it. */
    private void memberDown(String role, int member, List<String> toStart, List<String> toStop) {
        long killed = System.nanoTime();
        cluster.etcdKill(member);
        long newLeader = 0;
        if (role.equals("leader")) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> cluster.etcdLeader() != null && cluster.etcdLeader() != member);
            newLeader = since(killed);
        }
        // Each daemon's first write after the kill (a unit submitted launched through its TCP API):
        // the daemons took writes again.
        Map<String, Long> firstWrite = new LinkedHashMap<>();
        for (String m : cluster.machines()) {
            String solo = "solo-" + role + "-" + m + ".service";
            String soloText = UnitsInCluster.unit("submitted through " + m + " while the etcd " + role + " was down",
                    "ExecStart=/bin/sleep infinity", "");
            try (FlotillaClient client = cluster.client(m)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> client.submit(solo, soloText, DesiredState.LAUNCHED, false) != null);
            }
            firstWrite.put(m, since(killed));
            texts.put(solo, soloText);
            launched.add(solo);
        }
        long t = System.nanoTime();
        start(toStart);
        long startedMs = since(t);
        t = System.nanoTime();
        stop(toStop);
        long stoppedMs = since(t);
        boolean allHealthy = cluster.machines().stream().allMatch(m -> cluster.apiGet(m, "/health").statusCode() == 200);
        long down = since(killed);

        t = System.nanoTime();
        cluster.etcdStart(member);
        long restart = since(t);
        System.out.printf("etcd %s (member %d) SIGKILLed: %sa write accepted by each daemon after %s ms (asked one after the other); "
                        + "flotctl start of %d units until active %d ms, stop of %d %d ms; every daemon healthy while down: %s; "
                        + "member down %d ms, back and healthy %d ms after its restart%n",
                role, member, newLeader > 0 ? "new raft leader after " + newLeader + " ms, " : "", firstWrite,
                toStart.size(), startedMs, toStop.size(), stoppedMs, allHealthy, down, restart);
        nothingLostNothingDoubled();
    }

    private void start(List<String> names) {
        List<String> args = new ArrayList<>(List.of("start"));
        args.addAll(names);
        cluster.flotctl(CLIENT, args.toArray(String[]::new)).requireOk("start " + names.size());
        launched.addAll(names);
        names.forEach(stopped::remove);
        names.forEach(n -> texts.putIfAbsent(n, TEMPLATE));
    }

    private void stop(List<String> names) {
        List<String> args = new ArrayList<>(List.of("stop"));
        args.addAll(names);
        cluster.flotctl(CLIENT, args.toArray(String[]::new)).requireOk("stop " + names.size());
        names.forEach(launched::remove);
        stopped.addAll(names);
    }

    /** Launched units active once on a live machine, stopped ones nowhere, every text as submitted. */
    private void nothingLostNothingDoubled() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, UnitsInCluster.Row> rows = units.listUnits(CLIENT);
            return launched.stream().allMatch(u -> rows.containsKey(u) && rows.get(u).active().equals("active"));
        });
        Set<String> all = new LinkedHashSet<>(launched);
        all.addAll(stopped);
        Map<String, List<String>> on = units.runningOn(all);
        for (String u : launched) {
            assertEquals(1, on.get(u).size(), u + " runs on " + on.get(u));
        }
        for (String u : stopped) {
            assertEquals(List.of(), on.get(u), u + " was stopped");
        }
        try (FlotillaClient client = cluster.client("m2")) {
            for (Map.Entry<String, String> e : texts.entrySet()) {
                Optional<UnitDetail> unit = client.unitDetail(e.getKey());
                assertTrue(unit.isPresent(), e.getKey() + " is gone");
                assertEquals(e.getValue(), unit.get().text(), e.getKey() + ": the submitted text is kept byte for byte");
            }
            Set<String> inCluster = new LinkedHashSet<>();
            client.listing().units().forEach(u -> inCluster.add(u.name()));
            assertTrue(inCluster.containsAll(all), "missing: " + all.stream().filter(u -> !inCluster.contains(u)).toList());
        }
    }

    private Map<String, String> placement() {
        Map<String, String> where = new HashMap<>();
        units.listUnits(CLIENT).values().forEach(r -> where.put(r.unit(), r.machineId()));
        return where;
    }

    private static List<String> range(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "load@" + i + ".service").toList();
    }

    private static long since(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
