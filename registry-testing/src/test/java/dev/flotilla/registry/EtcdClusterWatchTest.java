package dev.flotilla.registry;

import dev.flotilla.model.UnitState;
import dev.flotilla.model.DesiredState;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resuming the cluster watch after a revision: etcd replays exactly what followed, or a Snapshot once compacted. */
@Tag("etcd")
class EtcdClusterWatchTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    final Closer closer = new Closer();
    private Registry registry;

    @BeforeEach
    void connect() {
        registry = closer.add(Registry.connect(etcd.newConfig()));
    }

    private List<WatchEvent<ClusterItem>> watch(long after, int expected) {
        List<WatchEvent<ClusterItem>> events = new CopyOnWriteArrayList<>();
        closer.add(registry.watchCluster(after, events::addAll));
        await().atMost(WAIT).until(() -> events.size() >= expected);
        return events;
    }

    private void writeFive() {
        for (int i = 0; i < 5; i++) {
            assertTrue(registry.createUnit(RegistryContract.unit("u" + i + ".service", "[Service]\nExecStart=/bin/true\n")));
        }
    }

    @Test
    void resumingAfterARevisionReplaysExactlyTheLaterChanges() {
        List<WatchEvent<ClusterItem>> all = watch(0, 1);
        writeFive();
        await().atMost(WAIT).until(() -> all.size() == 6);
        long third = all.get(3).revision();
        List<WatchEvent<ClusterItem>> resumed = watch(third, 2);
        assertEquals(all.subList(4, 6), resumed, "no snapshot, nothing repeated, nothing lost");
        registry.setDesiredState("u0.service", DesiredState.LAUNCHED);
        await().atMost(WAIT).until(() -> resumed.size() == 3 && all.size() == 7);
        assertEquals(all.get(6), resumed.get(2));
    }

    @Test
    void aTransactionOfSeveralKeysComesAsOneBatch() throws Exception {
        List<List<WatchEvent<ClusterItem>>> batches = new CopyOnWriteArrayList<>();
        closer.add(registry.watchCluster(0, batches::add));
        // the first listing runs on the watch's thread: written before it, the states would come as its Snapshot
        await().atMost(WAIT).until(() -> !batches.isEmpty());
        MachinePresence m = closer.add(registry.register(RegistryContract.machine('d', "127.0.0.14"),
                Duration.ofSeconds(30), "s", Duration.ZERO));
        List<UnitState> states = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            states.add(new UnitState(m.machine().id(), "s" + i + ".service", "h", "loaded", "active", "running"));
        }
        registry.publishStates(m, states);
        await().atMost(WAIT).until(() -> batches.stream().anyMatch(b -> b.size() == 50));
        assertTrue(batches.stream().allMatch(b -> b.stream().allMatch(e -> e.revision() == b.get(0).revision())));
    }

    @Test
    void aCompactedRevisionStartsWithASnapshot() throws Exception {
        List<WatchEvent<ClusterItem>> all = watch(0, 1);
        writeFive();
        await().atMost(WAIT).until(() -> all.size() == 6);
        long first = all.get(1).revision();
        try (Client c = Client.builder().endpoints(etcd.endpoint()).build()) {
            c.getKVClient().compact(all.get(5).revision()).get(10, TimeUnit.SECONDS);
        }
        List<WatchEvent<ClusterItem>> resumed = watch(first, 1);
        WatchEvent.Snapshot<ClusterItem> s = assertInstanceOf(WatchEvent.Snapshot.class, resumed.get(0));
        assertEquals(5, s.items().size());
        assertTrue(s.revision() >= all.get(5).revision());
    }
}
