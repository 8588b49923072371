package dev.flotilla.registry;

import dev.flotilla.model.UnitRecord;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Watches across etcd's own gaps (a restart, a compaction); the rest of the watch protocol is in RegistryContract. */
@Tag("etcd")
class EtcdWatchRecoveryTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    @RegisterExtension
    final Closer closer = new Closer();

    private Registry registry(EtcdConfig config) {
        return closer.add(Registry.connect(config));
    }

    private static Map<String, UnitRecord> unitsOf(Registry r) {
        Map<String, UnitRecord> expected = new HashMap<>();
        r.units().value().forEach(u -> expected.put(u.name(), u));
        return expected;
    }

    @Test
    void aWatchRecoversAfterAnEtcdRestartWithoutLosingOrRepeatingAnything() {
        Registry r = registry(etcd.newConfig());
        WatchView<UnitRecord> view = new WatchView<>();
        closer.add(r.watchUnits(view));
        r.createUnit(RegistryContract.unit("before.service", "x"));
        await().atMost(Duration.ofSeconds(20)).until(() -> view.items.containsKey("before.service"));

        etcd.restart();
        r.deleteUnit("before.service");
        for (int i = 0; i < 20; i++) {
            r.createUnit(RegistryContract.unit("after" + i + ".service", "y"));
        }
        Map<String, UnitRecord> expected = unitsOf(r);
        await().atMost(Duration.ofSeconds(20)).until(() -> view.items.equals(expected));
        assertNull(view.violation());
    }

    @Test
    void aWatchThatFallsBehindACompactionListsAgainAndMissesNothing() throws Exception {
        EtcdRegistry r = (EtcdRegistry) registry(etcd.newConfig());
        r.createUnit(RegistryContract.unit("first.service", "x"));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inFirstSnapshot = new CountDownLatch(1);
        WatchView<UnitRecord> view = new WatchView<>() {
            @Override
            public void accept(WatchEvent<UnitRecord> event) {
                super.accept(event);
                if (snapshots() == 1 && event instanceof WatchEvent.Snapshot) {
                    // Hold the watcher between its list and its watch while history is compacted away.
                    inFirstSnapshot.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        closer.add(r.watchUnits(view));
        assertTrue(inFirstSnapshot.await(20, TimeUnit.SECONDS));
        r.deleteUnit("first.service");
        for (int i = 0; i < 10; i++) {
            r.createUnit(RegistryContract.unit("later" + i + ".service", "y"));
        }
        long now = r.units().revision();
        r.client().getKVClient().compact(now).get(20, TimeUnit.SECONDS);
        release.countDown();

        Map<String, UnitRecord> expected = unitsOf(r);
        await().atMost(Duration.ofSeconds(20)).until(() -> view.items.equals(expected));
        assertEquals(2, view.snapshots(), "the compacted gap is bridged by a second snapshot");
        assertNull(view.violation());
    }
}
