package dev.flotilla.registry;

import dev.flotilla.model.UnitRecord;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only the in-memory cluster has: its manual clock, crashes, cuts, and quiescence. */
class InMemoryClusterTest {
    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Duration NANO = Duration.ofNanos(1);

    private final InMemoryCluster cluster = InMemoryCluster.create();

    @AfterEach
    void close() {
        cluster.close();
    }

    private MachinePresence register(Registry r, char id, String session) {
        return r.register(RegistryContract.machine(id, "127.0.0.1" + id), TTL, session, Duration.ZERO);
    }

    private static List<LeaderElection.Leadership> campaign(Registry r, String candidate) {
        List<LeaderElection.Leadership> events = new CopyOnWriteArrayList<>();
        r.leaderElection(candidate, TTL).start(events::add);
        return events;
    }

    @Test
    void aCrashedDaemonsMachineAndStatesLeaveExactlyWhenItsTtlRunsOut() {
        InMemoryRegistry agent = cluster.connect();
        Registry observer = cluster.connect();
        MachinePresence p = register(agent, 'a', "s");
        agent.publishState(p, RegistryContract.state(p, "x.service", "active"));
        agent.close(); // a crash: keep-alives stop, nothing is revoked

        cluster.advance(TTL.minus(NANO));
        assertEquals(1, observer.machines().value().size(), "still within the TTL");
        long before = cluster.revision();
        cluster.advance(NANO);
        assertEquals(List.of(), observer.machines().value());
        assertEquals(List.of(), observer.unitStates().value());
        assertEquals(before + 1, cluster.revision(), "the lease took its keys in one revision");
        assertEquals(cluster.clock().instant(), java.time.Instant.parse("2024-01-01T00:00:00Z").plus(TTL));
    }

    @Test
    void aConnectedClientKeepsItsLeaseAliveForever() {
        Registry agent = cluster.connect();
        MachinePresence p = register(agent, 'a', "s");
        cluster.advance(Duration.ofDays(1));
        assertEquals(1, agent.machines().value().size());
        assertEquals(ConnectionState.CONNECTED, p.state());
    }

    @Test
    void stopDeregistersAndResignsAtOnce() {
        InMemoryRegistry daemon = cluster.connect();
        Registry other = cluster.connect();
        register(daemon, 'a', "s");
        List<LeaderElection.Leadership> first = campaign(daemon, "a");
        List<LeaderElection.Leadership> second = campaign(other, "b");
        cluster.awaitQuiet();
        assertInstanceOf(LeaderElection.Leadership.Gained.class, first.get(0));

        daemon.stop();
        cluster.awaitQuiet();
        assertEquals(List.of(), other.machines().value(), "gone without the clock moving");
        assertEquals(Optional.of("b"), other.engineLeader());
        assertEquals(1, second.size());
        assertEquals(List.of(LeaderElection.Leadership.Gained.class, LeaderElection.Leadership.Lost.class),
                first.stream().map(Object::getClass).toList());
    }

    @Test
    void aCutOffClientIsSuspendedThenLostAndItsCallsFail() {
        InMemoryRegistry agent = cluster.connect();
        Registry observer = cluster.connect();
        MachinePresence p = register(agent, 'a', "s");
        List<ConnectionState> heard = new CopyOnWriteArrayList<>();
        p.onStateChange(heard::add);

        agent.disconnect();
        assertEquals(ConnectionState.SUSPENDED, p.state());
        RegistryException e = assertThrows(RegistryException.class, agent::units);
        assertTrue(e.getMessage().contains("cut off"), e.getMessage());
        assertThrows(RegistryException.class, () -> agent.publishState(p, RegistryContract.state(p, "x.service", "active")));
        assertEquals(1, observer.machines().value().size(), "the cluster still sees it within the TTL");

        cluster.advance(TTL);
        assertEquals(ConnectionState.LOST, p.state());
        assertEquals(List.of(), observer.machines().value());
        agent.reconnect();
        assertEquals(ConnectionState.LOST, p.state(), "LOST is final");
        MachinePresence again = register(agent, 'a', "s");
        assertFalse(again.resumed(), "the old lease is gone: a fresh registration");
        assertNotEquals(p.leaseId(), again.leaseId());
        cluster.awaitQuiet();
        assertEquals(List.of(ConnectionState.SUSPENDED, ConnectionState.LOST), heard);
    }

    @Test
    void aClientBackWithinItsTtlKeepsItsLease() {
        InMemoryRegistry agent = cluster.connect();
        MachinePresence p = register(agent, 'a', "s");
        List<ConnectionState> heard = new CopyOnWriteArrayList<>();
        p.onStateChange(heard::add);
        agent.disconnect();
        cluster.advance(TTL.minus(NANO));
        agent.reconnect();
        cluster.advance(Duration.ofDays(1));
        assertEquals(ConnectionState.CONNECTED, p.state());
        assertEquals(List.of(RegistryContract.machine('a', "127.0.0.1a")), agent.machines().value());
        cluster.awaitQuiet();
        assertEquals(List.of(ConnectionState.SUSPENDED, ConnectionState.CONNECTED), heard);
    }

    @Test
    void aReconnectedWatchStartsOverWithASnapshotOfWhatChangedMeanwhile() {
        InMemoryRegistry watcher = cluster.connect();
        Registry writer = cluster.connect();
        writer.createUnit(RegistryContract.unit("gone.service", "x"));
        WatchView<UnitRecord> view = new WatchView<>();
        watcher.watchUnits(view);
        cluster.awaitQuiet();

        watcher.disconnect();
        writer.deleteUnit("gone.service");
        writer.createUnit(RegistryContract.unit("new.service", "y"));
        cluster.awaitQuiet();
        assertEquals(Set.of("gone.service"), view.items.keySet(), "a cut-off watch hears nothing");

        watcher.reconnect();
        cluster.awaitQuiet();
        assertEquals(Set.of("new.service"), view.items.keySet());
        assertEquals(2, view.events.size(), "two snapshots, no replay of the gap");
        assertEquals(writer.units().revision(), view.events.get(1).revision());
        assertNull(view.violation());
    }

    @Test
    void aDuplicateWaitsOnTheClockForADeadHolderToExpire() throws Exception {
        InMemoryRegistry dying = cluster.connect();
        register(dying, 'a', "first");
        dying.close();
        Registry second = cluster.connect();
        CompletableFuture<MachinePresence> registering = CompletableFuture.supplyAsync(() -> second.register(
                RegistryContract.machine('a', "127.0.0.2"), TTL, "second", Duration.ofSeconds(10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.waitingRegistrations() == 1);
        assertFalse(registering.isDone());

        cluster.advance(TTL);
        MachinePresence p = registering.get(10, TimeUnit.SECONDS);
        assertFalse(p.resumed());
        assertEquals("127.0.0.2", second.machines().value().get(0).publicIp());
        assertEquals(0, cluster.waitingRegistrations());
    }

    @Test
    void aDuplicateOfALivingHolderIsRefusedWhenTheWaitRunsOut() {
        Registry holder = cluster.connect();
        register(holder, 'a', "first");
        Registry second = cluster.connect();
        CompletableFuture<MachinePresence> registering = CompletableFuture.supplyAsync(() -> second.register(
                RegistryContract.machine('a', "127.0.0.2"), TTL, "second", Duration.ofSeconds(10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.waitingRegistrations() == 1);
        cluster.advance(Duration.ofSeconds(9));
        assertFalse(registering.isDone());

        cluster.advance(Duration.ofSeconds(1));
        ExecutionException e = assertThrows(ExecutionException.class, () -> registering.get(10, TimeUnit.SECONDS));
        assertInstanceOf(MachineIdConflictException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("stayed alive for 10 s"), e.getCause().getMessage());
        assertEquals("127.0.0.1a", holder.machines().value().get(0).publicIp());
    }

    @Test
    void aDeadLeaderIsReplacedExactlyWhenItsTtlRunsOut() {
        InMemoryRegistry dying = cluster.connect();
        InMemoryRegistry engine2 = cluster.connect();
        List<LeaderElection.Leadership> first = campaign(dying, "m1");
        List<LeaderElection.Leadership> second = campaign(engine2, "m2");
        cluster.awaitQuiet();
        long oldFence = ((LeaderElection.Leadership.Gained) first.get(0)).fencingRevision();
        dying.close();

        cluster.advance(TTL.minus(NANO));
        cluster.awaitQuiet();
        assertEquals(List.of(), second);
        cluster.advance(NANO);
        cluster.awaitQuiet();
        long newFence = ((LeaderElection.Leadership.Gained) second.get(0)).fencingRevision();
        assertEquals(cluster.revision(), newFence, "the new leader key is the latest write");
        assertFalse(engine2.applyAssignments(oldFence, List.of(RegistryContract.assign("m1", "a.service"))));
        assertTrue(engine2.applyAssignments(newFence, List.of(RegistryContract.assign("m1", "a.service"))));
    }

    @Test
    void aCutOffLeaderHearsTheLossAtItsTtlAndCampaignsAgainWhenBack() {
        InMemoryRegistry engine1 = cluster.connect();
        InMemoryRegistry engine2 = cluster.connect();
        List<LeaderElection.Leadership> first = new CopyOnWriteArrayList<>();
        LeaderElection e1 = engine1.leaderElection("m1", TTL);
        e1.start(first::add);
        LeaderElection e2 = engine2.leaderElection("m2", TTL);
        e2.start(l -> { });

        engine1.disconnect();
        cluster.advance(TTL.minus(NANO));
        assertTrue(e1.isLeader(), "suspended, not lost: the lease may still live");
        cluster.advance(NANO);
        cluster.awaitQuiet();
        assertEquals(new LeaderElection.Leadership.Lost("the engine lease was lost"), first.get(1),
                "heard even while cut off, as a lease keeper notices on its own");
        assertTrue(e2.isLeader());

        engine1.reconnect();
        assertEquals(Optional.of("m2"), e1.leader());
        e2.close();
        cluster.awaitQuiet();
        assertTrue(e1.isLeader(), "the waiting candidate takes over the resigned key");
        assertInstanceOf(LeaderElection.Leadership.Gained.class, first.get(2));
    }

    @Test
    void awaitQuietWaitsForReactionsOfReactionsOnDeliveryThreads() {
        Registry reactor = cluster.connect();
        Registry writer = cluster.connect();
        List<Thread> deliveredOn = new CopyOnWriteArrayList<>();
        reactor.watchUnits(event -> {
            deliveredOn.add(Thread.currentThread());
            if (event instanceof WatchEvent.Updated<UnitRecord> u && u.key().startsWith("step")) {
                int step = Integer.parseInt(u.key().substring(4, 5));
                if (step < 5) {
                    reactor.createUnit(RegistryContract.unit("step" + (step + 1) + ".service", "x"));
                }
            }
        });
        WatchView<UnitRecord> view = new WatchView<>();
        writer.watchUnits(view);

        writer.createUnit(RegistryContract.unit("step1.service", "x"));
        cluster.awaitQuiet();
        assertEquals(5, view.items.size(), "the whole chain of reactions was heard");
        assertFalse(deliveredOn.contains(Thread.currentThread()), "listeners never run on the writer's thread");
        assertNull(view.violation());
    }

    @Test
    void aClosedClientRefusesCallsAndAStandaloneRegistryIsItsOwnCluster() {
        InMemoryRegistry r = cluster.connect();
        r.close();
        RegistryException e = assertThrows(RegistryException.class, r::machines);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());

        try (InMemoryRegistry alone = InMemoryRegistry.standalone()) {
            assertTrue(alone.createUnit(RegistryContract.unit("a.service", "x")));
            assertEquals(Map.of(), cluster.connect().units().value().stream()
                    .collect(java.util.stream.Collectors.toMap(UnitRecord::name, u -> u)), "clusters share nothing");
            assertEquals(1, alone.units().value().size());
        }
    }
}
