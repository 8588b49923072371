package dev.flotilla.registry;

import dev.flotilla.model.Machine;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long etcd outage: gRPC's reconnect backoff grows with it (1.6x per failed attempt, up to
 * 2 minutes), so without help a client could stay away for most of a minute after etcd is back,
 * long enough for its leases to run out. The registry must be back within a bound instead.
 */
@Tag("etcd")
class EtcdReconnectTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    @RegisterExtension
    final Closer closer = new Closer();

    /** Long enough for gRPC's backoff to reach ~25-45 s between attempts. */
    private static final Duration OUTAGE = Duration.ofSeconds(50);
    private static final Duration TTL = Duration.ofSeconds(9);

    @Test
    void theClientsChannelIsFound() {
        try (io.etcd.jetcd.Client client = io.etcd.jetcd.Client.builder().endpoints(etcd.endpoint()).build()) {
            assertNotNull(EtcdReconnector.channelOf(client), "jetcd's channel moved: update EtcdReconnector.channelOf");
        }
    }

    @Test
    void afterALongOutageTheRegistryAnswersAtOnceAndTheLeaseIsResumed() {
        EtcdConfig config = etcd.newConfig();
        Registry registry = closer.add(Registry.connect(config));
        Machine a = RegistryContract.machine('a', "127.0.0.11");
        MachinePresence before = registry.register(a, TTL, "s1", Duration.ZERO);

        etcd.stop();
        long stopped = System.nanoTime();
        // Calls keep coming during the outage, as a daemon's keep-alives and registration retries do.
        await().atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try {
                registry.engineLeader();
            } catch (RegistryException expected) {
                // etcd is down
            }
            return System.nanoTime() - stopped > OUTAGE.toNanos();
        });
        etcd.start(); // returns once etcd's /health answers
        long back = System.nanoTime();

        // etcd restarts every lease with its whole TTL: a daemon back within it resumes its own.
        await().atMost(TTL).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> registry.engineLeader() != null);
        long reachedMs = (System.nanoTime() - back) / 1_000_000;
        System.out.printf("etcd back after %d s: the registry answered %d ms later (load %s)%n",
                OUTAGE.toSeconds(), reachedMs, Load.average());
        MachinePresence after = registry.register(a, TTL, "s1", Duration.ZERO);
        assertTrue(after.resumed(), "the old lease is still alive");
        assertEquals(before.leaseId(), after.leaseId());
        // A third of the TTL is the bound daemons are held to; the figure is printed above.
        assertTrue(reachedMs < TTL.toMillis() / 3, "reached etcd " + reachedMs + " ms after it answered");
    }
}
