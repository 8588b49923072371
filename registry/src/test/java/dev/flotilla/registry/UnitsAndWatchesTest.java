package dev.flotilla.registry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("etcd")
class UnitsAndWatchesTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Registry registry(EtcdConfig config) {
        Registry r = Registry.connect(config);
        toClose.add(r);
        return r;
    }

    private static UnitRecord unit(String name, String text) {
        return new UnitRecord(name, text, Integer.toHexString(text.hashCode()), DesiredState.INACTIVE);
    }

    /** A listener's view of the watched items, rebuilt from events exactly as consumers do. */
    static class View<T> implements Consumer<WatchEvent<T>> {
        final Map<String, T> items = new ConcurrentHashMap<>();
        final List<WatchEvent<T>> events = new CopyOnWriteArrayList<>();
        volatile long revision;

        @Override
        public void accept(WatchEvent<T> event) {
            if (event.revision() < revision && !(event instanceof WatchEvent.Snapshot)) {
                throw new AssertionError("event repeated or out of order: " + event);
            }
            events.add(event);
            revision = event.revision();
            if (event instanceof WatchEvent.Snapshot<T> s) {
                items.clear();
                items.putAll(s.items());
            } else if (event instanceof WatchEvent.Updated<T> u) {
                items.put(u.key(), u.value());
            } else if (event instanceof WatchEvent.Removed<T> r) {
                items.remove(r.key());
            }
        }

        long snapshots() {
            return events.stream().filter(e -> e instanceof WatchEvent.Snapshot).count();
        }
    }

    /** Elects a candidate on r and returns its fencing revision. */
    private long lead(Registry r, String candidate) {
        List<Long> fencing = new CopyOnWriteArrayList<>();
        LeaderElection e = r.leaderElection(candidate, Duration.ofSeconds(30));
        toClose.add(e);
        e.start(l -> {
            if (l instanceof LeaderElection.Leadership.Gained g) {
                fencing.add(g.fencingRevision());
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> fencing.size() == 1);
        return fencing.get(0);
    }

    @Test
    void unitsAreCreatedOnceAndReplacedOnlyAtTheRevisionRead() {
        Registry r = registry(etcd.newConfig());
        assertTrue(r.createUnit(unit("a.service", "[Service]\nExecStart=/bin/true\n")));
        assertFalse(r.createUnit(unit("a.service", "other")), "a second create of the same name is refused");

        Versioned<UnitRecord> read = r.unit("a.service").orElseThrow();
        assertTrue(r.replaceUnit(unit("a.service", "v2"), read.revision()));
        assertFalse(r.replaceUnit(unit("a.service", "v3"), read.revision()), "a stale revision loses");
        assertEquals("v2", r.unit("a.service").orElseThrow().value().text());

        assertTrue(r.setDesiredState("a.service", DesiredState.LAUNCHED));
        assertEquals(DesiredState.LAUNCHED, r.units().value().get(0).desired());
        assertEquals("v2", r.units().value().get(0).text(), "the text survives a desired-state change");
        assertFalse(r.setDesiredState("missing.service", DesiredState.LOADED));

        assertTrue(r.deleteUnit("a.service"));
        assertFalse(r.deleteUnit("a.service"));
        assertEquals(Optional.empty(), r.unit("a.service"));
    }

    @Test
    void unitTextIsKeptByteForByte() {
        Registry r = registry(etcd.newConfig());
        String text = "[Unit]\r\nDescription=caf\u00e9 \\\\ \"quoted\"\t\n\n[Service]\nExecStart=/bin/sh -c 'echo %i'\n";
        r.createUnit(unit("t@.service", text));
        assertEquals(text, r.unit("t@.service").orElseThrow().value().text());
    }

    @Test
    void aDeposedEngineCannotWriteAssignments() {
        EtcdConfig config = etcd.newConfig();
        Registry r1 = registry(config);
        List<Long> fencing = new CopyOnWriteArrayList<>();
        LeaderElection e1 = r1.leaderElection("m1", Duration.ofSeconds(30));
        toClose.add(e1);
        e1.start(l -> {
            if (l instanceof LeaderElection.Leadership.Gained g) {
                fencing.add(g.fencingRevision());
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> fencing.size() == 1);
        long oldFence = fencing.get(0);
        assertTrue(r1.applyAssignments(oldFence, List.of(new AssignmentChange.Assign(new Assignment("m1", "a.service", "h1")))));

        e1.close(); // resigns
        Registry r2 = registry(config);
        LeaderElection e2 = r2.leaderElection("m2", Duration.ofSeconds(30));
        toClose.add(e2);
        e2.start(l -> { });
        await().atMost(Duration.ofSeconds(10)).until(e2::isLeader);

        assertFalse(r1.applyAssignments(oldFence, List.of(new AssignmentChange.Assign(new Assignment("m1", "b.service", "h2")))),
                "the old leader's fenced write is refused");
        assertEquals(List.of(new Assignment("m1", "a.service", "h1")), r2.assignments().value());
    }

    @Test
    void largeAssignmentBatchesAreSplitBelowEtcdsTransactionLimitAndWatchedKeyByKey() {
        EtcdConfig config = etcd.newConfig();
        Registry r = registry(config);
        long fence = lead(r, "m1");
        View<Assignment> all = new View<>();
        toClose.add(r.watchAssignments(all));
        await().atMost(Duration.ofSeconds(10)).until(() -> all.snapshots() == 1);
        List<AssignmentChange> changes = new ArrayList<>();
        for (int i = 0; i < 350; i++) {
            changes.add(new AssignmentChange.Assign(new Assignment("m" + (i % 3), "u" + i + ".service", "h")));
        }
        assertTrue(r.applyAssignments(fence, changes));
        assertEquals(350, r.assignments().value().size());
        // The keys of one transaction share a revision; the watch must deliver every one of them.
        await().atMost(Duration.ofSeconds(10)).until(() -> all.items.size() == 350);
    }

    @Test
    void aWatchStartsWithASnapshotThenDeliversChangesInOrder() {
        Registry r = registry(etcd.newConfig());
        r.createUnit(unit("a.service", "a"));
        View<UnitRecord> view = new View<>();
        toClose.add(r.watchUnits(view));
        await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshots() == 1);
        assertEquals(Map.of("a.service", unit("a.service", "a")), view.items);

        r.createUnit(unit("b.service", "b"));
        r.setDesiredState("a.service", DesiredState.LAUNCHED);
        r.deleteUnit("b.service");
        await().atMost(Duration.ofSeconds(10)).until(() -> view.events.size() == 4);
        assertInstanceOf(WatchEvent.Updated.class, view.events.get(1));
        assertInstanceOf(WatchEvent.Updated.class, view.events.get(2));
        WatchEvent.Removed<UnitRecord> removed = (WatchEvent.Removed<UnitRecord>) view.events.get(3);
        assertEquals("b", removed.previous().text(), "a removal carries the last value");
        assertEquals(Map.of("a.service", unit("a.service", "a").withDesired(DesiredState.LAUNCHED)), view.items);
    }

    @Test
    void perMachineAssignmentWatchSeesOnlyThatMachine() {
        EtcdConfig config = etcd.newConfig();
        Registry r = registry(config);
        long fence = lead(r, "m1");
        View<Assignment> m1 = new View<>();
        toClose.add(r.watchAssignments("m1", m1));
        await().atMost(Duration.ofSeconds(10)).until(() -> m1.snapshots() == 1);
        r.applyAssignments(fence, List.of(
                new AssignmentChange.Assign(new Assignment("m1", "a.service", "h")),
                new AssignmentChange.Assign(new Assignment("m10", "b.service", "h")),
                new AssignmentChange.Assign(new Assignment("m2", "c.service", "h"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> m1.items.size() == 1);
        assertEquals(Map.of("a.service", new Assignment("m1", "a.service", "h")), m1.items);
    }

    @Test
    void aWatchRecoversAfterAnEtcdRestartWithoutLosingOrRepeatingAnything() {
        Registry r = registry(etcd.newConfig());
        View<UnitRecord> view = new View<>();
        toClose.add(r.watchUnits(view));
        r.createUnit(unit("before.service", "x"));
        await().atMost(Duration.ofSeconds(10)).until(() -> view.items.containsKey("before.service"));

        etcd.restart();
        r.deleteUnit("before.service");
        for (int i = 0; i < 20; i++) {
            r.createUnit(unit("after" + i + ".service", "y"));
        }
        Map<String, UnitRecord> expected = new java.util.HashMap<>();
        r.units().value().forEach(u -> expected.put(u.name(), u));
        await().atMost(Duration.ofSeconds(20)).until(() -> view.items.equals(expected));
        // The View throws on any repeated or out-of-order event, failing the listener and the wait.
    }

    @Test
    void unitStatesLiveOnTheMachineLease() {
        EtcdConfig config = etcd.newConfig();
        Registry r = registry(config);
        Registry agent = Registry.connect(config);
        MachinePresence p = agent.register(new Machine("a".repeat(32), "127.0.0.1", Map.of(), "t"),
                Duration.ofSeconds(30), "s", Duration.ZERO);
        agent.publishState(p, new UnitState(p.machine().id(), "a.service", "h", "loaded", "active", "running"));
        assertEquals(List.of(new UnitState(p.machine().id(), "a.service", "h", "loaded", "active", "running")),
                r.unitStates().value());
        agent.publishStates(p, List.of(
                new UnitState(p.machine().id(), "b.service", "h", "loaded", "active", "running"),
                new UnitState(p.machine().id(), "c.service", "h", "loaded", "failed", "failed")));
        assertEquals(3, r.unitStates(p.machine().id()).value().size());
        assertEquals(List.of(), r.unitStates("b".repeat(32)).value());
        agent.removeStates(p, List.of("a.service", "b.service"));
        assertEquals(List.of("c.service"), r.unitStates().value().stream().map(UnitState::unit).toList());
        p.close();
        assertEquals(List.of(), r.unitStates().value(), "a machine's states leave with it");
        agent.close();
    }

    @Test
    void aWatchThatFallsBehindACompactionListsAgainAndMissesNothing() throws Exception {
        EtcdConfig config = etcd.newConfig();
        EtcdRegistry r = (EtcdRegistry) registry(config);
        r.createUnit(unit("first.service", "x"));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch inFirstSnapshot = new java.util.concurrent.CountDownLatch(1);
        View<UnitRecord> view = new View<>() {
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
        toClose.add(r.watchUnits(view));
        assertTrue(inFirstSnapshot.await(10, java.util.concurrent.TimeUnit.SECONDS));
        r.deleteUnit("first.service");
        for (int i = 0; i < 10; i++) {
            r.createUnit(unit("later" + i + ".service", "y"));
        }
        long now = r.units().revision();
        r.client().getKVClient().compact(now).get(5, java.util.concurrent.TimeUnit.SECONDS);
        release.countDown();

        Map<String, UnitRecord> expected = new java.util.HashMap<>();
        r.units().value().forEach(u -> expected.put(u.name(), u));
        await().atMost(Duration.ofSeconds(10)).until(() -> view.items.equals(expected));
        assertEquals(2, view.snapshots(), "the compacted gap is bridged by a second snapshot");
    }

    @Test
    void globalUnitsAreIndexedInTheSameWriteAndFollowReplaceAndDelete() {
        Registry r = registry(etcd.newConfig());
        View<UnitRecord> globals = new View<>();
        toClose.add(r.watchGlobalUnits(globals));
        String global = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\n";
        assertTrue(r.createUnit(unit("g.service", global)));
        assertTrue(r.createUnit(unit("plain.service", "[Service]\nExecStart=/bin/true\n")));
        assertEquals(List.of("g.service"), r.globalUnits().value().stream().map(UnitRecord::name).toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> globals.items.keySet().equals(java.util.Set.of("g.service")));

        assertTrue(r.setDesiredState("g.service", DesiredState.LAUNCHED));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> globals.items.get("g.service").desired() == DesiredState.LAUNCHED);

        Versioned<UnitRecord> current = r.unit("g.service").orElseThrow();
        assertTrue(r.replaceUnit(unit("g.service", "[Service]\nExecStart=/bin/false\n"), current.revision()));
        assertEquals(List.of(), r.globalUnits().value(), "no longer global: dropped from the index");

        assertTrue(r.createUnit(unit("g2.service", global)));
        assertTrue(r.deleteUnit("g2.service"));
        assertFalse(r.deleteUnit("g2.service"));
        assertEquals(List.of(), r.globalUnits().value());
        await().atMost(Duration.ofSeconds(10)).until(() -> globals.items.isEmpty());
    }

    @Test
    void assignmentsCarryTheDesiredStateAndWaitingReasonsAreFenced() {
        Registry r = registry(etcd.newConfig());
        long fence = lead(r, "engine-1");
        View<Assignment> m1 = new View<>();
        toClose.add(r.watchAssignments("m1", m1));
        assertTrue(r.applyAssignments(fence, List.of(
                new AssignmentChange.Assign(new Assignment("m1", "a.service", "h", DesiredState.LOADED)),
                new AssignmentChange.Waiting("b.service", "no machine has metadata az=x"))));
        assertEquals(List.of(new Assignment("m1", "a.service", "h", DesiredState.LOADED)), r.assignments().value());
        assertEquals(Map.of("b.service", "no machine has metadata az=x"), r.waiting().value());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> m1.items.equals(Map.of("a.service", new Assignment("m1", "a.service", "h", DesiredState.LOADED))));

        assertTrue(r.applyAssignments(fence, List.of(
                new AssignmentChange.Assign(new Assignment("m1", "a.service", "h", DesiredState.LAUNCHED)),
                new AssignmentChange.NotWaiting("b.service"))));
        assertEquals(Map.of(), r.waiting().value());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> m1.items.get("a.service").desired() == DesiredState.LAUNCHED);
        assertFalse(r.applyAssignments(fence + 1_000_000, List.of(new AssignmentChange.Waiting("c.service", "x"))),
                "a write at a fencing revision that is not the leader's is refused");
        assertEquals(Map.of(), r.waiting().value());
    }
}
