package dev.flotilla.registry;

import dev.flotilla.model.Machine;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Leases running out in real time: a daemon that stops sending keep-alives (its registry closed
 * without deregistering) loses its machine and its leadership once the TTL runs out. The in-memory
 * cluster tests the same on its manual clock.
 */
@Tag("etcd")
class EtcdLeaseExpiryTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    private static final Duration TTL = Duration.ofSeconds(2);
    /** Bound on waits: etcd checks leases on its own schedule, slower on a loaded machine. */
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    final Closer closer = new Closer();
    private EtcdConfig config;

    @BeforeEach
    void prefix() {
        config = etcd.newConfig();
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        return closer.add(closeable);
    }

    @Test
    void aMachineWhoseDaemonDiedIsGoneOnceItsTtlRunsOut() {
        // A watch, not a read after the close: on a loaded machine the TTL may run out before a read.
        Registry r = closeLater(Registry.connect(config));
        WatchView<Machine> view = new WatchView<>();
        closeLater(r.watchMachines(view));
        await().atMost(WAIT).until(() -> view.snapshots() == 1);

        Registry dying = Registry.connect(config);
        Machine a = RegistryContract.machine('a', "127.0.0.11");
        dying.register(a, TTL, "s1", Duration.ZERO);
        dying.close();

        await().atMost(WAIT).until(() -> view.events.stream().anyMatch(e -> e instanceof WatchEvent.Removed));
        assertEquals(List.of(WatchEvent.Snapshot.class, WatchEvent.Updated.class, WatchEvent.Removed.class),
                view.events.stream().map(Object::getClass).toList(), "registered, then expired: " + view.events);
        assertEquals(a, ((WatchEvent.Removed<Machine>) view.events.get(2)).previous());
        assertNull(view.violation());
    }

    @Test
    void aDuplicateIsAcceptedOnceTheDeadHolderExpired() {
        Registry dying = Registry.connect(config);
        dying.register(RegistryContract.machine('a', "127.0.0.11"), TTL, "first", Duration.ZERO);
        dying.close();

        Registry r = closeLater(Registry.connect(config));
        closeLater(r.register(RegistryContract.machine('a', "127.0.0.12"), TTL, "second", WAIT));
        assertEquals("127.0.0.12", r.machines().value().get(0).publicIp());
    }

    @Test
    void aDeadLeaderIsReplacedOnceItsTtlRunsOut() {
        Registry dying = Registry.connect(config);
        LeaderElection e1 = dying.leaderElection("m1", TTL);
        e1.start(l -> { });
        await().atMost(WAIT).until(e1::isLeader);

        Registry r2 = closeLater(Registry.connect(config));
        LeaderElection e2 = closeLater(r2.leaderElection("m2", TTL));
        e2.start(l -> { });
        dying.close(); // keep-alives stop, nobody resigns
        await().atMost(WAIT).until(e2::isLeader);
    }
}
