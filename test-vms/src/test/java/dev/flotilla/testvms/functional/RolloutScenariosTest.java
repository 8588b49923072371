package dev.flotilla.testvms.functional;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.RolloutView;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitStateEntry;
import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.FollowedCommand;
import dev.flotilla.testvms.UnitsInCluster;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rollouts on a real 3-machine cluster: six instances of a template replaced two at a time while
 * a sampler (every 100 ms, the states the agents publish) counts the active ones; the rollout
 * going on without its client and through the death of the engine leader's machine; a broken text
 * stopped after the first batch and reverted. The engine leader's machine dies last.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutScenariosTest {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int N = 6;

    private Cluster cluster;
    private UnitsInCluster units;
    private FlotillaClient api;

    @BeforeEach
    void setUp(Cluster cluster) {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
        this.api = cluster.client("m1");
    }

    @AfterEach
    void close() {
        api.close();
    }

    private static String template(String version, String exec) {
        return UnitsInCluster.unit("rollout test " + version, "Environment=VERSION=" + version + "\n" + exec, "");
    }

    private static List<String> instances(String prefix) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= N; i++) {
            names.add(prefix + "@" + i + ".service");
        }
        return names;
    }

    private List<String> paths(String prefix) {
        return instances(prefix).stream().map(n -> "/root/units/" + n).toList();
    }

    /** The template file in m1 and the hash its instances get. */
    private String writeTemplate(String prefix, String text) {
        units.write("m1", "/root/units/" + prefix + "@.service", text);
        return UnitFile.hashOf(text);
    }

    private void startAll(String prefix, String text) {
        writeTemplate(prefix, text);
        List<String> args = new ArrayList<>(List.of("start"));
        args.addAll(paths(prefix));
        cluster.flotctl("m1", args.toArray(String[]::new)).requireOk("start " + prefix + "@1..6");
    }

    private CommandResult replace(String prefix, String... flags) {
        List<String> args = new ArrayList<>(List.of("start", "--replace"));
        args.addAll(List.of(flags));
        args.addAll(paths(prefix));
        return cluster.flotctl("m1", args.toArray(String[]::new));
    }

    private UnitListing listing(String prefix) {
        return api.listing(instances(prefix), EnumSet.allOf(UnitListing.Part.class));
    }

    /** Instances active (as published) on the given hash. */
    private long activeOn(String prefix, String hash) {
        return listing(prefix).states().stream()
                .filter(s -> s.systemdActiveState().equals("active") && s.hash().equals(hash)).count();
    }

    private long active(List<UnitStateEntry> states) {
        return states.stream().filter(s -> s.systemdActiveState().equals("active")).map(UnitStateEntry::name).distinct().count();
    }

    private RolloutView latest() {
        return api.rollouts().get(0);
    }

    private long etcdRevision() {
        CommandResult r = cluster.command(Duration.ofSeconds(20), List.of("etcdctl", "--endpoints=" + cluster.etcdEndpoint(),
                "--command-timeout=5s", "get", "/flotilla/engine/leader", "-w", "fields"));
        r.requireOk("etcdctl get");
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("\"Revision\" : ")) {
                return Long.parseLong(line.substring("\"Revision\" : ".length()).trim());
            }
        }
        throw new AssertionError("no revision in " + r.out());
    }

    /** Samples the published states every 100 ms on its own thread, keeping the fewest active seen. */
    private final class Sampler implements AutoCloseable {
        final AtomicInteger fewest = new AtomicInteger(Integer.MAX_VALUE);
        final AtomicInteger samples = new AtomicInteger();
        private final Thread thread;
        private volatile boolean stop;

        Sampler(String prefix) {
            FlotillaClient own = cluster.client("m2");
            thread = new Thread(() -> {
                try (own) {
                    while (!stop) {
                        long t = System.nanoTime();
                        List<UnitStateEntry> states = own.listing(instances(prefix), EnumSet.of(UnitListing.Part.STATES)).states();
                        fewest.accumulateAndGet((int) active(states), Math::min);
                        samples.incrementAndGet();
                        long left = 100 - (System.nanoTime() - t) / 1_000_000;
                        if (left > 0) {
                            Thread.sleep(left);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sampler");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }

    @Test
    @Order(1)
    void sixInstancesRollTwoAtATimeNeverFewerThanFourActive() throws Exception {
        startAll("web", template("1", "ExecStart=/bin/sleep infinity"));
        String next = writeTemplate("web", template("2", "ExecStart=/bin/sleep infinity"));
        long before = etcdRevision();
        long start = System.nanoTime();
        CommandResult r;
        Sampler sampler = new Sampler("web");
        try (sampler) {
            r = replace("web", "--max-parallel=2", "--min-healthy=2s");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long after = etcdRevision();
        r.requireOk("start --replace --max-parallel=2");
        assertTrue(r.out().contains("succeeded"), r.out());
        assertTrue(sampler.fewest.get() >= N - 2, "fewest active while rolling: " + sampler.fewest.get()
                + " over " + sampler.samples.get() + " samples");
        assertTrue(sampler.samples.get() > 10, "the sampler ran: " + sampler.samples.get());
        UnitListing l = listing("web");
        assertTrue(l.units().stream().allMatch(u -> u.hash().equals(next)), "every instance's text is new");
        await().atMost(WAIT).until(() -> activeOn("web", next) == N);
        RolloutView done = latest();
        assertEquals("succeeded", done.phase());
        System.out.printf("rollout of %d instances, max-parallel 2, min-healthy 2 s: %d ms (flotctl in m1, start to exit),"
                        + " %d etcd revisions (%d -> %d); fewest active %d in %d samples; load %s%n",
                N, millis, after - before, before, after, sampler.fewest.get(), sampler.samples.get(), UnitsInCluster.loadAverage());
    }

    @Test
    @Order(2)
    void theRolloutFinishesWhenFlotctlIsKilledAfterTheFirstBatch() throws Exception {
        startAll("api", template("1", "ExecStart=/bin/sleep infinity"));
        String text = template("2", "ExecStart=/bin/sleep infinity");
        String next = UnitFile.hashOf(text);
        Path dir = Files.createTempDirectory("rollout-units");
        Files.writeString(dir.resolve("api@.service"), text);
        List<String> args = new ArrayList<>(List.of("start", "--replace", "--max-parallel=2", "--min-healthy=2s"));
        instances("api").forEach(n -> args.add(dir.resolve(n).toString()));
        try (FollowedCommand flotctl = FollowedCommand.start(cluster.hostFlotctlCommand("m1", cluster.tls().tokenFile(),
                args.toArray(String[]::new)))) {
            await().atMost(WAIT).until(() -> !api.rollouts().isEmpty() && latest().units().get(0).name().startsWith("api")
                    && latest().count("healthy") >= 2);
            flotctl.stop();
            assertTrue(!flotctl.isAlive());
        }
        RolloutView r = latest();
        assertTrue(r.count("healthy") < N, "the client left half-way: " + r.count("healthy") + " healthy");
        await().atMost(WAIT).until(() -> latest().ended());
        assertEquals("succeeded", latest().phase(), latest().reason());
        await().atMost(WAIT).until(() -> activeOn("api", next) == N);
    }

    @Test
    @Order(3)
    void aBrokenTextStopsAfterTheFirstBatchAndAutoRevertPutsItBack() {
        startAll("bad", template("1", "ExecStart=/bin/sleep infinity"));
        String old = UnitFile.hashOf(template("1", "ExecStart=/bin/sleep infinity"));
        writeTemplate("bad", template("2", "ExecStart=/bin/false"));
        CommandResult r = replace("bad", "--max-parallel=2", "--min-healthy=2s", "--auto-revert");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("reverted"), r.stderr());
        RolloutView done = latest();
        assertEquals("reverted", done.phase(), done.reason());
        assertEquals(2, done.count("reverted"), "the first batch went back");
        assertEquals(N - 2, done.count("pending"), "the rest never changed");
        UnitListing l = listing("bad");
        assertTrue(l.units().stream().map(UnitFileEntry::hash).allMatch(old::equals), "every text is the old one");
        await().atMost(WAIT).until(() -> activeOn("bad", old) == N);
    }

    @Test
    @Order(4)
    void theRolloutFinishesAfterTheEngineLeadersMachineDies() {
        startAll("db", template("1", "ExecStart=/bin/sleep infinity"));
        String next = writeTemplate("db", template("2", "ExecStart=/bin/sleep infinity"));
        String leader = cluster.leader();
        String via = cluster.machines().stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow();
        if (!via.equals("m1")) {
            // The template file is in m1; the rollout is started from there unless m1 leads.
            api.close();
            api = cluster.client(via);
        }
        String from = leader.equals("m1") ? via : "m1";
        if (leader.equals("m1")) {
            units.write(via, "/root/units/db@.service", template("2", "ExecStart=/bin/sleep infinity"));
        }
        List<String> args = new ArrayList<>(List.of("start", "--replace", "--no-block", "--max-parallel=2", "--min-healthy=2s"));
        args.addAll(paths("db"));
        cluster.flotctl(from, args.toArray(String[]::new)).requireOk("start --replace --no-block");
        await().atMost(WAIT).until(() -> latest().count("healthy") >= 2);
        cluster.kill(leader);
        await().atMost(WAIT).until(() -> latest().ended());
        RolloutView done = latest();
        assertEquals("succeeded", done.phase(), done.reason());
        await().atMost(WAIT).until(() -> activeOn("db", next) == N);
        Map<String, List<String>> where = units.activeWithPids(instances("db"));
        where.forEach((unit, on) -> assertEquals(1, on.size(), unit + " runs once: " + on));
        assertEquals(N, where.size());
        cluster.start(leader);
    }
}
