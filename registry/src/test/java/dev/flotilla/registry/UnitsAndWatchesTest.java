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
    static final class View<T> implements Consumer<WatchEvent<T>> {
        final Map<String, T> items = new ConcurrentHashMap<>();
        final List<WatchEvent<T>> events = new CopyOnWriteArrayList<>();
        volatile long revision;

        @Override
        public void accept(WatchEvent<T> event) {
            if (event.revision() <= revision && !(event instanceof WatchEvent.Snapshot)) {
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
    void largeAssignmentBatchesAreSplitBelowEtcdsTransactionLimit() {
        EtcdConfig config = etcd.newConfig();
        Registry r = registry(config);
        long fence = lead(r, "m1");
        List<AssignmentChange> changes = new ArrayList<>();
        for (int i = 0; i < 350; i++) {
            changes.add(new AssignmentChange.Assign(new Assignment("m" + (i % 3), "u" + i + ".service", "h")));
        }
        assertTrue(r.applyAssignments(fence, changes));
        assertEquals(350, r.assignments().value().size());
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
        p.close();
        assertEquals(List.of(), r.unitStates().value(), "a machine's states leave with it");
        agent.close();
    }
}
