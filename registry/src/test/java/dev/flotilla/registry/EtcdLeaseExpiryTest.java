package dev.flotilla.registry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Leases running out in real time: a daemon that stops sending keep-alives (its registry closed
 * without deregistering) loses its machine and its leadership within the TTL. The in-memory
 * cluster tests the same on its manual clock.
 */
@Tag("etcd")
class EtcdLeaseExpiryTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    private static final Duration TTL = Duration.ofSeconds(2);
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
    void aMachineWhoseDaemonDiedIsGoneWithinItsTtl() {
        Registry dying = Registry.connect(config);
        dying.register(RegistryContract.machine('a', "127.0.0.11"), TTL, "s1", Duration.ZERO);
        dying.close();

        Registry r = closeLater(Registry.connect(config));
        assertEquals(1, r.machines().value().size());
        await().atMost(TTL.plusSeconds(3)).until(() -> r.machines().value().isEmpty());
    }

    @Test
    void aDuplicateIsAcceptedOnceTheDeadHolderExpired() {
        Registry dying = Registry.connect(config);
        dying.register(RegistryContract.machine('a', "127.0.0.11"), TTL, "first", Duration.ZERO);
        dying.close();

        Registry r = closeLater(Registry.connect(config));
        closeLater(r.register(RegistryContract.machine('a', "127.0.0.12"), TTL, "second", TTL.plusSeconds(5)));
        assertEquals("127.0.0.12", r.machines().value().get(0).publicIp());
    }

    @Test
    void aDeadLeaderIsReplacedWithinItsTtl() {
        Registry dying = Registry.connect(config);
        LeaderElection e1 = dying.leaderElection("m1", TTL);
        e1.start(l -> { });
        await().atMost(Duration.ofSeconds(10)).until(e1::isLeader);

        Registry r2 = closeLater(Registry.connect(config));
        LeaderElection e2 = closeLater(r2.leaderElection("m2", TTL));
        e2.start(l -> { });
        dying.close(); // keep-alives stop, nobody resigns
        await().atMost(TTL.plusSeconds(4)).until(e2::isLeader);
    }
}
