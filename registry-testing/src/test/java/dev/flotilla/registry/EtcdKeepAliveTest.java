package dev.flotilla.registry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LeaseKeeper} over the connection's one keep-alive stream against a real etcd: one message
 * per keep-alive, LOST when etcd is frozen past the TTL, back to CONNECTED after a short freeze,
 * LOST at once when the server no longer knows the lease.
 */
@Tag("etcd")
class EtcdKeepAliveTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    @RegisterExtension
    final Closer closer = new Closer();

    private static final Duration WAIT = Duration.ofSeconds(30);

    private record Kept(EtcdConnection connection, LeaseKeeper keeper, List<ConnectionState> states) {
    }

    private Kept keep(Duration ttl) {
        EtcdConnection connection = closer.add(new EtcdConnection(etcd.newConfig()));
        return keep(connection, ttl);
    }

    private Kept keep(EtcdConnection connection, Duration ttl) {
        EtcdConnection.Grant grant = connection.grantLease(ttl, "grant a test lease");
        LeaseKeeper keeper = closer.add(new LeaseKeeper(connection.keepAlives(), grant.id(), ttl, grant.sentNanos(),
                connection.scheduler(), "test"));
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        keeper.onStateChange(states::add);
        keeper.start();
        return new Kept(connection, keeper, states);
    }

    @Test
    void severalTtlsOnOneStreamWithOneMessagePerKeepAlive() {
        Duration ttl = Duration.ofSeconds(2);
        Kept k = keep(ttl);
        KeepAliveStream stream = k.connection().keepAlives();
        await().atMost(WAIT).until(() -> stream.sent() >= 2);
        long[] before = counters();
        long sentBefore = stream.sent();

        // Four TTLs' worth: a keep-alive every TTL/3.
        await().atMost(WAIT).until(() -> stream.sent() >= sentBefore + 12);
        long sent = stream.sent() - sentBefore;
        // Every message we wrote reaches etcd (those on their way when sent() was read, too).
        await().atMost(WAIT).until(() -> counters()[0] - before[0] >= sent);
        long[] spent = counters();
        long received = spent[0] - before[0];
        long renewed = spent[1] - before[1];
        long sentByNow = stream.sent() - sentBefore;
        System.out.printf("%d keep-alives sent, etcd received %d LeaseKeepAlive messages and renewed %d times (load %s)%n",
                sent, received, renewed, Load.average());
        assertTrue(received <= sentByNow, "one message per keep-alive: " + received + " received for " + sentByNow + " sent");
        assertTrue(renewed <= sentByNow, "one renewal per keep-alive: " + renewed + " for " + sentByNow);
        assertEquals(1, stream.opened(), "one stream for all of it");
        assertEquals(List.of(), k.states(), "CONNECTED throughout");
        assertTrue(k.connection().leaseTimeToLive(k.keeper().leaseId()) > 0);
    }

    @Test
    void theLeasesLifeCountsFromItsGrantNotFromTheKeeper() {
        // A keeper made a whole TTL after the grant was sent (the process starved, etcd slow to
        // answer the grant or the campaign): the server may have let the lease go, so it is lost
        // at once rather than trusted for another TTL.
        Duration ttl = Duration.ofSeconds(3);
        EtcdConnection connection = closer.add(new EtcdConnection(etcd.newConfig()));
        EtcdConnection.Grant grant = connection.grantLease(ttl, "grant a test lease");
        LeaseKeeper late = closer.add(new LeaseKeeper(connection.keepAlives(), grant.id(), ttl,
                grant.sentNanos() - ttl.toNanos(), connection.scheduler(), "late"));
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        late.onStateChange(states::add);
        late.start();
        await().atMost(WAIT).until(() -> late.state() == ConnectionState.LOST);
        assertEquals(List.of(ConnectionState.LOST), states);

        Kept onTime = keep(connection, ttl);
        await().atMost(WAIT).until(() -> connection.keepAlives().sent() >= 4);
        assertEquals(List.of(), onTime.states(), "counted from its own grant, it stays CONNECTED");
    }

    @Test
    void frozenEtcdPastTheTtlIsSuspendedThenLost() {
        Duration ttl = Duration.ofSeconds(6);
        Kept k = keep(ttl);
        KeepAliveStream stream = k.connection().keepAlives();
        await().atMost(WAIT).until(() -> stream.sent() >= 2);
        etcd.freeze();
        try {
            await().atMost(WAIT).until(() -> k.keeper().state() == ConnectionState.LOST);
        } finally {
            etcd.thaw();
        }
        assertEquals(List.of(ConnectionState.SUSPENDED, ConnectionState.LOST), k.states());

        // LOST is final; the connection carries on: a new lease on it is kept alive again.
        Kept again = keep(k.connection(), ttl);
        long sent = stream.sent();
        await().atMost(WAIT).until(() -> stream.sent() >= sent + 3);
        assertEquals(ConnectionState.LOST, k.keeper().state());
        assertEquals(List.of(), again.states());
        assertTrue(again.connection().leaseTimeToLive(again.keeper().leaseId()) > 0);
    }

    @Test
    void aShortFreezeIsSuspendedThenConnectedAgain() {
        Duration ttl = Duration.ofSeconds(9);
        Kept k = keep(ttl);
        await().atMost(WAIT).until(() -> k.connection().keepAlives().sent() >= 2);
        etcd.freeze();
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> k.keeper().state() != ConnectionState.CONNECTED);
        } finally {
            etcd.thaw();
        }
        await().atMost(WAIT).until(() -> k.keeper().state() == ConnectionState.CONNECTED);
        assertEquals(List.of(ConnectionState.SUSPENDED, ConnectionState.CONNECTED), k.states());
        assertTrue(k.connection().leaseTimeToLive(k.keeper().leaseId()) > 0);
    }

    @Test
    void aRestartedEtcdIsReachedOnANewStream() {
        Duration ttl = Duration.ofSeconds(9);
        Kept k = keep(ttl);
        KeepAliveStream stream = k.connection().keepAlives();
        await().atMost(WAIT).until(() -> stream.sent() >= 2);
        etcd.restart(); // etcd restarts every lease with its whole TTL
        long sent = stream.sent();
        await().atMost(WAIT).until(() -> stream.opened() >= 2 && stream.sent() >= sent + 3
                && k.keeper().state() == ConnectionState.CONNECTED);
        assertTrue(!k.states().contains(ConnectionState.LOST), "never lost: " + k.states());
        assertTrue(k.connection().leaseTimeToLive(k.keeper().leaseId()) > 0);
    }

    @Test
    void aLeaseTheServerNoLongerKnowsIsLost() {
        // A TTL longer than the wait: LOST within the wait can only be etcd's answer (TTL 0) to the
        // next keep-alive, due within a third of the TTL.
        Kept k = keep(WAIT.plusSeconds(15));
        await().atMost(WAIT).until(() -> k.connection().keepAlives().sent() >= 1);
        k.connection().revokeQuietly(k.keeper().leaseId());
        await().atMost(WAIT).until(() -> k.keeper().state() == ConnectionState.LOST);
        assertEquals(List.of(ConnectionState.LOST), k.states());
    }

    /** etcd's LeaseKeepAlive messages received and leases renewed so far. */
    private static long[] counters() {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return new long[]{value(body, "grpc_server_msg_received_total{grpc_method=\"LeaseKeepAlive\","),
                    value(body, "etcd_debugging_lease_renewed_total ")};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long value(String body, String start) {
        for (String line : body.split("\n")) {
            if (line.startsWith(start)) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return 0;
    }
}
