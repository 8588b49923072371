package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.json.Json;
import dev.flotilla.api.ClusterEvent;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.FollowedCommand;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * status and journal run on the unit's machine through that machine's daemon (no ssh), asked
 * from another machine; verify and version need no cluster at all. journal -f and events follow
 * the cluster from this host over TLS with a token, as a user's flotctl would.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InspectCommandsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Order(1)
    void statusAndJournalComeFromTheUnitsMachineWhereverTheyAreAsked(Cluster cluster) {
        UnitsInCluster units = new UnitsInCluster(cluster);
        units.write("m1", "/root/talker.service", UnitsInCluster.unit("talker",
                "ExecStart=/bin/sh -c 'echo hello-from-talker; exec sleep infinity'", "[X-Fleet]\nMachineMetadata=machine=m3"));
        cluster.flotctl("m1", "start", "/root/talker.service").requireOk("start");
        assertEquals("m3", units.machineOf("m1", "talker.service").orElseThrow());

        CommandResult status = cluster.flotctl("m1", "status", "talker.service");
        assertEquals(0, status.exitCode(), status.stderr());
        assertTrue(status.stdout().contains("talker.service") && status.stdout().contains("active (running)"), status.stdout());

        CommandResult journal = cluster.flotctl("m1", "journal", "talker.service");
        assertEquals(0, journal.exitCode(), journal.stderr());
        assertTrue(journal.stdout().contains("hello-from-talker"), journal.stdout());

        CommandResult missing = cluster.flotctl("m1", "status", "nothere.service");
        assertNotEquals(0, missing.exitCode());

        assertEquals(0, cluster.flotctl("m2", "version").exitCode());
        units.write("m2", "/root/bad.service", "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineID=abc\nGlobal=true\n");
        CommandResult verify = cluster.flotctl("m2", "verify", "/root/bad.service");
        assertEquals(1, verify.exitCode(), verify.stdout() + verify.stderr());
        assertTrue((verify.stdout() + verify.stderr()).contains("bad.service"), verify.stdout() + verify.stderr());
    }

    @Test
    @Order(2)
    void journalFollowShowsALineLoggedAfterItStartedUntilItIsStopped(Cluster cluster) {
        UnitsInCluster units = new UnitsInCluster(cluster);
        units.write("m1", "/root/echoer.service", UnitsInCluster.unit("echoer",
                "ExecStart=/bin/sh -c 'echo echoer-ready; while :; do if [ -e /run/echoer-say ]; then cat /run/echoer-say; "
                        + "rm -f /run/echoer-say; fi; sleep 0.2; done'", "[X-Fleet]\nMachineMetadata=machine=m3"));
        cluster.flotctl("m1", "start", "/root/echoer.service").requireOk("start");

        // Asked of m1 from the host: m1 answers 421 and flotctl follows m3's journal with the same token.
        try (FollowedCommand follow = FollowedCommand.start(cluster.hostFlotctlCommand("m1", cluster.tls().tokenFile(),
                "journal", "-f", "-n", "5", "echoer.service"))) {
            await().atMost(WAIT).until(() -> follow.lines().stream().anyMatch(l -> l.contains("echoer-ready")));
            long t0 = System.nanoTime();
            units.write("m3", "/run/echoer-say", "echoer-said-after-follow-began\n");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> follow.lines().stream()
                    .anyMatch(l -> l.contains("echoer-said-after-follow-began")));
            System.out.printf("flotctl journal -f: a line logged on m3 shown on this host after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertTrue(follow.isAlive(), "journal -f keeps following");
            follow.stop();
            assertFalse(follow.isAlive());
        }
        // The daemon notices the client left when writing a line fails (the first write after the
        // client's close can still land in the socket's buffer) and then ends its journalctl.
        java.util.concurrent.atomic.AtomicInteger lines = new java.util.concurrent.atomic.AtomicInteger();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(700)).until(() -> {
            units.write("m3", "/run/echoer-say", "echoer-nobody-listens-" + lines.incrementAndGet() + "\n");
            return !cluster.exec("m3", "pgrep", "-f", "journalctl.*--follow.*echoer").ok();
        });
        System.out.printf("flotctl journal -f stopped: m3's journalctl ended after %d more line(s)%n", lines.get());
    }

    @Test
    @Order(3)
    void eventsFollowAUnitStartAndAMachineLeavingAndResumeAfterADisconnect(Cluster cluster) {
        UnitsInCluster units = new UnitsInCluster(cluster);
        ClusterEvent snapshot = parse(cluster.flotctlFromHost("m1", "events", "--count=1").requireOk("events --count=1").out());
        assertTrue(snapshot.hasSnapshot(), "without --since the first line is a snapshot");
        long from = snapshot.revision();

        units.write("m1", "/root/ev1.service", UnitsInCluster.unit("ev1", "ExecStart=/bin/sleep infinity", "[X-Fleet]\nMachineMetadata=machine=m3"));
        units.write("m1", "/root/ev2.service", UnitsInCluster.unit("ev2", "ExecStart=/bin/sleep infinity", "[X-Fleet]\nMachineMetadata=machine=m1"));
        String m2 = cluster.machineId("m2");
        long last;
        try (FollowedCommand follow = FollowedCommand.start(cluster.hostFlotctlCommand("m1", cluster.tls().readOnlyTokenFile(),
                "events", "--since=" + from))) {
            cluster.flotctl("m1", "start", "/root/ev1.service").requireOk("start ev1");
            awaitChange(follow, c -> c.kind().equals("state") && "ev1.service".equals(c.name()) && c.state() != null
                    && "active".equals(c.state().systemdActiveState()));
            cluster.stop("m2");
            awaitChange(follow, c -> c.kind().equals("machine") && c.action().equals("removed") && m2.equals(c.machineID()));
            follow.stop();
            List<ClusterEvent> seen = events(follow);
            assertFalse(seen.get(0).hasSnapshot(), "--since starts with the changes after that revision");
            assertTrue(seen.get(0).revision() > from, follow::toString);
            increasing(seen);
            last = seen.get(seen.size() - 1).revision();
        }
        // While nobody follows: a unit starts and m2 joins again; a resumed follower gets both, nothing twice.
        cluster.flotctl("m1", "start", "/root/ev2.service").requireOk("start ev2");
        cluster.start("m2");
        try (FollowedCommand resumed = FollowedCommand.start(cluster.hostFlotctlCommand("m2", cluster.tls().readOnlyTokenFile(),
                "events", "--since=" + last))) {
            awaitChange(resumed, c -> c.kind().equals("state") && "ev2.service".equals(c.name()) && c.state() != null
                    && "active".equals(c.state().systemdActiveState()));
            awaitChange(resumed, c -> c.kind().equals("machine") && c.action().equals("updated") && m2.equals(c.machineID()));
            resumed.stop();
            List<ClusterEvent> seen = events(resumed);
            assertFalse(seen.get(0).hasSnapshot(), resumed::toString);
            assertTrue(seen.get(0).revision() > last, "nothing repeated: " + seen.get(0).revision() + " after " + last);
            increasing(seen);
        }
    }

    private static void awaitChange(FollowedCommand follow, Predicate<ClusterEvent.Change> wanted) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).alias(follow.toString()).until(() -> events(follow).stream()
                .filter(e -> e.changes() != null).flatMap(e -> e.changes().stream()).anyMatch(wanted));
    }

    private static List<ClusterEvent> events(FollowedCommand follow) {
        return follow.lines().stream().filter(l -> !l.isBlank()).map(InspectCommandsTest::parse).toList();
    }

    private static void increasing(List<ClusterEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).revision() > events.get(i - 1).revision(), "revisions strictly increase: " + events);
        }
    }

    private static ClusterEvent parse(String line) {
        return Json.read(line.lines().findFirst().orElseThrow(), ClusterEvent.class, Json.Unknown.IGNORE);
    }
}
