package dev.flotilla.testvms.functional;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.RolloutView;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitStateEntry;
import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.UnitsInCluster;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A global unit on a real 3-machine cluster rolled machine by machine: a sampler (every 100 ms, the
 * states the agents publish) counts the machines where it is active; never more than one without it.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
class GlobalRolloutScenarioTest {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String UNIT = "everywhere.service";
    private static final String PATH = "/root/units/" + UNIT;

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

    private static String text(String version) {
        return UnitsInCluster.unit("global rollout test " + version,
                "Environment=VERSION=" + version + "\nExecStart=/bin/sleep infinity", "[X-Fleet]\nGlobal=true");
    }

    private List<UnitStateEntry> states(FlotillaClient client) {
        return client.listing(List.of(UNIT), EnumSet.of(UnitListing.Part.STATES)).states();
    }

    private static Set<String> activeOn(List<UnitStateEntry> states, String hash) {
        return states.stream().filter(s -> s.systemdActiveState().equals("active") && (hash == null || s.hash().equals(hash)))
                .map(UnitStateEntry::machineID).collect(Collectors.toSet());
    }

    @Test
    void aGlobalUnitRollsMachineByMachineNeverMoreThanOneWithoutIt() throws Exception {
        String old = UnitFile.hashOf(text("1"));
        units.write("m1", PATH, text("1"));
        cluster.flotctl("m1", "start", PATH).requireOk("start " + UNIT);
        await().atMost(WAIT).until(() -> activeOn(states(api), old).size() == 3);

        units.write("m1", PATH, text("2"));
        String next = UnitFile.hashOf(text("2"));
        AtomicInteger fewest = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger samples = new AtomicInteger();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread sampler;
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        FlotillaClient own = cluster.client("m2");
        sampler = new Thread(() -> {
            try (own) {
                while (!stop.get()) {
                    long t = System.nanoTime();
                    List<UnitStateEntry> s = states(own);
                    int active = activeOn(s, null).size();
                    if (active < fewest.get()) {
                        seen.add(active + " active: " + s.stream().map(e -> e.machineID() + "=" + e.systemdActiveState()
                                + "@" + e.hash().substring(0, 7)).toList());
                    }
                    fewest.accumulateAndGet(active, Math::min);
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
        long start = System.nanoTime();
        sampler.start();
        CommandResult r;
        try {
            r = cluster.flotctl("m1", "start", "--replace", "--max-parallel=1", "--min-healthy=2s", PATH);
        } finally {
            stop.set(true);
            sampler.join(10_000);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        r.requireOk("start --replace --max-parallel=1 of a global unit");
        assertTrue(r.out().contains("succeeded"), r.out());
        assertTrue(samples.get() > 10, "the sampler ran: " + samples.get());
        assertTrue(fewest.get() >= 2, "never more than one machine without the unit: fewest active " + fewest.get()
                + " over " + samples.get() + " samples; " + seen);
        RolloutView done = api.rollouts().get(0);
        assertEquals("succeeded", done.phase(), done.reason());
        assertEquals(3, done.units().size(), "a step per machine: " + done.units());
        assertEquals(next, api.listing(List.of(UNIT), EnumSet.allOf(UnitListing.Part.class)).units().get(0).hash());
        await().atMost(WAIT).until(() -> activeOn(states(api), next).size() == 3);
        System.out.printf("global rollout on 3 machines, max-parallel 1, min-healthy 2 s: %d ms (flotctl start to exit);"
                + " fewest active %d in %d samples; load %s%n", millis, fewest.get(), samples.get(), UnitsInCluster.loadAverage());
    }
}
