package dev.flotilla.registry;

import dev.flotilla.model.MetadataOverride;
import dev.flotilla.model.Machine;
import dev.flotilla.model.Resources;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitState;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Registry} does, run against etcd and against the in-memory cluster, so the
 * two cannot drift apart. Leases here are long: nothing may expire during a test; expiry is
 * tested per implementation (real time for etcd, the manual clock in memory).
 */
abstract class RegistryContract {
    static final Duration TTL = Duration.ofSeconds(30);
    @RegisterExtension
    final Closer closer = new Closer();

    /** A new client of this test's cluster, as a daemon connects; the caller closes it. */
    protected abstract Registry connect();

    /** Waits until condition holds: as long as etcd needs, or until the in-memory cluster is quiet. */
    protected abstract void eventually(Callable<Boolean> condition) throws Exception;

    protected <T extends AutoCloseable> T closeLater(T closeable) {
        return closer.add(closeable);
    }

    private Registry client() {
        return closeLater(connect());
    }

    static Machine machine(char id, String ip) {
        return new Machine(String.valueOf(id).repeat(32), ip, Map.of("az", "a"), "test");
    }

    static UnitRecord unit(String name, String text) {
        return new UnitRecord(name, text, Integer.toHexString(text.hashCode()), DesiredState.INACTIVE);
    }

    static UnitState state(MachinePresence p, String unit, String active) {
        return new UnitState(p.machine().id(), unit, "h", "loaded", active, active.equals("active") ? "running" : active);
    }

    static AssignmentChange assign(String machine, String unit) {
        return new AssignmentChange.Assign(new Assignment(machine, unit, "h"));
    }

    private MachinePresence register(Registry r, char id, String session) {
        return closeLater(r.register(machine(id, "127.0.0.1" + id), TTL, session, Duration.ZERO));
    }

    /** Starts a candidate on r and returns the fencing revision it gained. */
    private long lead(Registry r, String candidate) throws Exception {
        return gain(closeLater(r.leaderElection(candidate, TTL)));
    }

    /** Starts the candidate, which must gain the leadership, and returns its fencing revision. */
    private long gain(LeaderElection e) throws Exception {
        List<Long> fencing = new CopyOnWriteArrayList<>();
        e.start(l -> {
            if (l instanceof LeaderElection.Leadership.Gained g) {
                fencing.add(g.fencingRevision());
            }
        });
        eventually(() -> fencing.size() == 1);
        return fencing.get(0);
    }

    private <T> WatchView<T> snapshotSeen(WatchView<T> view) throws Exception {
        eventually(() -> view.snapshots() == 1);
        return view;
    }

    // ---- machines and unit states ----

    @Test
    void registeredMachinesAreListedByIdWithTheirMetadataAndTheRevisionSeen() {
        Registry r = client();
        register(r, 'b', "s2");
        register(r, 'a', "s1");
        Versioned<List<Machine>> machines = r.machines();
        assertEquals(List.of(machine('a', "127.0.0.1a"), machine('b', "127.0.0.1b")), machines.value());
        assertEquals(r.units().revision(), machines.revision(), "nothing was written in between");
    }

    @Test
    void theRevisionIsWhatAReadNowSeesAndGrowsWithEveryWrite() {
        Registry r = client();
        long before = r.revision();
        assertEquals(r.units().revision(), before, "nothing was written in between");
        assertTrue(r.createUnit(unit("rev.service", "[Service]\n")));
        long after = r.revision();
        assertTrue(after > before, before + " then " + after);
        assertEquals(r.unit("rev.service").orElseThrow().revision(), after, "the write is the latest revision");
    }

    @Test
    void aCleanlyClosedMachineIsGoneAtOnceWithItsStates() {
        Registry r = client();
        MachinePresence a = register(r, 'a', "s1");
        r.publishState(a, state(a, "x.service", "active"));
        a.close();
        assertEquals(List.of(), r.machines().value(), "close() revokes the lease before it returns");
        assertEquals(List.of(), r.unitStates().value());
        assertThrows(RegistryException.class, () -> r.publishState(a, state(a, "y.service", "active")),
                "nothing can be published on an ended lease");
    }

    @Test
    void aSecondDaemonWithTheSameMachineIdIsRefused() {
        Registry r = client();
        register(r, 'a', "first");
        MachineIdConflictException e = assertThrows(MachineIdConflictException.class,
                () -> client().register(machine('a', "127.0.0.99"), TTL, "second", Duration.ZERO));
        assertTrue(e.getMessage().contains("already registered"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1a"), e.getMessage());
        assertEquals(machine('a', "127.0.0.1a"), e.holder());
        assertEquals(List.of(machine('a', "127.0.0.1a")), r.machines().value(), "the first registration is untouched");
    }

    @Test
    void aRestartedDaemonAdoptsItsOwnLivingRegistrationAndKeepsItsStates() {
        Registry before = connect();
        MachinePresence old = before.register(machine('a', "127.0.0.11"), TTL, "same-session", Duration.ZERO);
        assertFalse(old.resumed(), "a first registration is fresh");
        before.publishState(old, state(old, "x.service", "active"));
        before.close(); // a crash: nothing is revoked

        Registry after = client();
        MachinePresence adopted = register(after, 'a', "same-session");
        assertTrue(adopted.resumed());
        assertEquals(old.leaseId(), adopted.leaseId(), "the machine kept its lease, so its units do not move");
        assertEquals(List.of(machine('a', "127.0.0.1a")), after.machines().value(), "the announcement is rewritten");
        assertEquals(List.of(state(old, "x.service", "active")), after.unitStates().value());
    }

    @Test
    void metadataUpdatesKeepTheLease() {
        Registry r = client();
        MachinePresence a = register(r, 'a', "s1");
        long lease = a.leaseId();
        a.update(a.machine().withMetadata(Map.of("az", "b", "disk", "ssd")));
        assertEquals(Map.of("az", "b", "disk", "ssd"), r.machines().value().get(0).metadata());
        assertEquals(Map.of("az", "b", "disk", "ssd"), a.machine().metadata());
        assertEquals(lease, a.leaseId());
        assertEquals(ConnectionState.CONNECTED, a.state());
    }

    @Test
    void aMachinesCapacityIsStoredWithItsAnnouncementAndKeptByAMetadataUpdate() throws Exception {
        Registry r = client();
        Resources capacity = new Resources(3500, 1536L << 20);
        MachinePresence a = closeLater(r.register(machine('a', "127.0.0.1a").withCapacity(capacity), TTL, "s1", Duration.ZERO));
        register(r, 'b', "s2");
        assertEquals(List.of(capacity, Resources.NONE), r.machines().value().stream().map(Machine::capacity).toList(),
                "a machine that announces no capacity reads back as NONE");
        a.update(a.machine().withMetadata(Map.of("az", "b")));
        assertEquals(capacity, r.machines().value().get(0).capacity());
        WatchView<Machine> view = new WatchView<>();
        closeLater(client().watchMachines(view));
        snapshotSeen(view);
        eventually(() -> capacity.equals(view.items.get(a.machine().id()).capacity()));
    }

    @Test
    void metadataOverridesOutlastTheRegistrationAndAreWatched() throws Exception {
        Registry r = client();
        String a = "a".repeat(32);
        WatchView<String> view = new WatchView<>();
        closeLater(r.watchMetadataOverrides(a, view));
        snapshotSeen(view);
        MachinePresence p = register(r, 'a', "s1");
        r.overrideMetadata(List.of(new MetadataOverride(a, "role", "web"), new MetadataOverride(a, "az", ""),
                new MetadataOverride("b".repeat(32), "role", "db")));
        assertEquals(Map.of("role", "web", "az", ""), r.metadataOverrides(a).value());
        eventually(() -> view.items.equals(Map.of("role", "web", "az", "")));
        assertEquals(Map.of("az", "a"), r.machines().value().get(0).metadata(), "the registration itself is not touched");

        p.close();
        assertEquals(Map.of("role", "web", "az", ""), client().metadataOverrides(a).value(), "kept without the machine");
        r.overrideMetadata(List.of(new MetadataOverride(a, "role", "cache")));
        eventually(() -> "cache".equals(view.items.get("role")));
        assertEquals(Map.of(), r.metadataOverrides("c".repeat(32)).value());
        assertNull(view.violation());

        assertEquals(Map.of("role", "cache", "disk", "ssd"),
                Machine.merge(Map.of("az", "a", "disk", "ssd"), r.metadataOverrides(a).value()));
    }

    @Test
    void unitStatesLiveOnTheMachineLease() {
        Registry r = client();
        Registry agent = client();
        MachinePresence p = register(agent, 'a', "s");
        agent.publishState(p, state(p, "a.service", "active"));
        assertEquals(List.of(state(p, "a.service", "active")), r.unitStates().value());
        agent.publishStates(p, List.of(state(p, "c.service", "failed"), state(p, "b.service", "active")));
        assertEquals(List.of("a.service", "b.service", "c.service"),
                r.unitStates(p.machine().id()).value().stream().map(UnitState::unit).toList(), "sorted by unit");
        assertEquals(List.of(), r.unitStates("b".repeat(32)).value());
        agent.removeStates(p, List.of("a.service", "b.service"));
        agent.removeState(p, "never-published.service");
        assertEquals(List.of(state(p, "c.service", "failed")), r.unitStates().value());
        p.close();
        assertEquals(List.of(), r.unitStates().value(), "a machine's states leave with it");
    }

    @Test
    void oneUnitsStatesAreReadOnTheMachinesAsked() {
        Registry r = client();
        Registry agent = client();
        MachinePresence a = register(agent, 'a', "s1");
        MachinePresence b = register(agent, 'b', "s2");
        agent.publishStates(a, List.of(state(a, "x.service", "active"), state(a, "y.service", "active")));
        agent.publishState(b, state(b, "x.service", "failed"));
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 2 * UnitStates.POINT_READS_PER_TXN + 1; i++) {
            many.add(String.format("%032x", i)); // more machines than one transaction's gets
        }
        many.add(b.machine().id());
        assertEquals(List.of(state(b, "x.service", "failed")), r.unitStateOn("x.service", many));
        assertEquals(List.of(state(a, "y.service", "active")), r.unitStateOn("y.service", List.of(a.machine().id(), b.machine().id())));
        assertEquals(List.of(), r.unitStateOn("z.service", List.of(a.machine().id(), b.machine().id())));
        assertEquals(List.of(), r.unitStateOn("x.service", List.of()));
    }

    @Test
    void statesArePagedInKeyOrderAtTheCostOfAPage() {
        Registry r = client();
        Registry agent = client();
        MachinePresence a = register(agent, 'a', "p1");
        MachinePresence b = register(agent, 'b', "p2");
        List<UnitState> onA = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            onA.add(state(a, String.format("u%03d.service", i), "active"));
        }
        agent.publishStates(a, onA);
        agent.publishStates(b, List.of(state(b, "u000.service", "failed"), state(b, "v.service", "active")));

        List<UnitState> all = r.unitStates().value();
        List<UnitState> paged = new java.util.ArrayList<>();
        List<Integer> sizes = new java.util.ArrayList<>();
        String after = "";
        while (true) {
            Page<UnitState> page = r.unitStatesAfter("", after, Page.MAX_ITEMS);
            paged.addAll(page.items());
            sizes.add(page.items().size());
            after = page.next();
            if (!page.more()) {
                break;
            }
        }
        assertEquals(all, paged, "every state once, in the whole listing's order");
        assertEquals(List.of(100, 52), sizes);

        Page<UnitState> ofB = r.unitStatesAfter(b.machine().id(), "", 1);
        assertEquals(List.of(state(b, "u000.service", "failed")), ofB.items());
        assertTrue(ofB.more());
        assertEquals(b.machine().id() + "/u000.service", ofB.next());
        Page<UnitState> rest = r.unitStatesAfter(b.machine().id(), ofB.next(), 10);
        assertEquals(List.of(state(b, "v.service", "active")), rest.items());
        assertFalse(rest.more());
        assertEquals(List.of(state(b, "u000.service", "failed")),
                r.unitStatesAfter(b.machine().id(), a.machine().id() + "/u149.service", 1).items(),
                "a key before the machine's own starts at its first state");
        assertEquals(List.of(), r.unitStatesAfter(a.machine().id(), b.machine().id() + "/", 10).items(),
                "a key past the machine's own: nothing left");
        assertThrows(IllegalArgumentException.class, () -> r.unitStatesAfter("", "", Page.MAX_ITEMS + 1));

        assertEquals(List.of(state(a, "u007.service", "active"), state(b, "v.service", "active")),
                r.unitStatesAt(new java.util.TreeMap<>(Map.of("u007.service", a.machine().id(), "v.service", b.machine().id(),
                        "w.service", a.machine().id()))), "point reads, the unit with no state left out");
    }

    @Test
    void unitsArePagedByName() {
        Registry r = client();
        List<UnitRecord> units = new java.util.ArrayList<>();
        for (int i = 0; i < 201; i++) {
            units.add(unit(String.format("p%03d.service", i), "[Service]\nExecStart=/bin/true " + i + "\n"));
        }
        r.createUnits(units);
        Page<UnitRecord> first = r.unitsAfter("", Page.MAX_ITEMS);
        assertEquals(units.subList(0, 100).stream().map(UnitRecord::name).toList(), first.items().stream().map(UnitRecord::name).toList());
        assertTrue(first.more());
        assertEquals("p099.service", first.next());
        assertEquals(units.get(100).text(), r.unitsAfter(first.next(), 1).items().get(0).text(), "texts come with the page");
        Page<UnitRecord> last = r.unitsAfter("p199.service", Page.MAX_ITEMS);
        assertEquals(List.of("p200.service"), last.items().stream().map(UnitRecord::name).toList());
        assertFalse(last.more());
        assertEquals(List.of("p150.service"), r.unitsAfter("p149.serviceX", 1).items().stream().map(UnitRecord::name).toList(),
                "after a name that is no unit's: the next name");
        assertEquals(List.of(), r.unitsAfter("p200.service", 5).items());
    }

    // ---- units ----

    @Test
    void unitsAreCreatedOnceAndReplacedOnlyAtTheRevisionRead() {
        Registry r = client();
        assertTrue(r.createUnit(unit("a.service", "[Service]\nExecStart=/bin/true\n")));
        assertFalse(r.createUnit(unit("a.service", "other")), "a second create of the same name is refused");

        Versioned<UnitRecord> read = r.unit("a.service").orElseThrow();
        assertTrue(r.replaceUnit(unit("a.service", "v2"), read.revision()));
        assertFalse(r.replaceUnit(unit("a.service", "v3"), read.revision()), "a stale revision loses");
        assertFalse(r.replaceUnit(unit("missing.service", "v3"), read.revision()), "a vanished unit is not replaced");
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
    void namedUnitsAreReadTogetherAndMissingOnesLeftOut() {
        Registry r = client();
        List<UnitRecord> units = new ArrayList<>();
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 2 * UnitStates.POINT_READS_PER_TXN + 1; i++) {
            units.add(unit(String.format("n%03d.service", i), "[Service]\nExecStart=/bin/true " + i + "\n"));
            asked.add(String.format("n%03d.service", i)); // more names than one transaction's gets
        }
        r.createUnits(units);
        asked.add("missing.service");
        Map<String, UnitRecord> read = r.namedUnits(asked);
        assertEquals(units.size(), read.size(), "every existing unit asked for, nothing else");
        units.forEach(u -> assertEquals(u, read.get(u.name())));
        assertEquals(Map.of(), r.namedUnits(List.of("missing.service")));
        assertEquals(Map.of(), r.namedUnits(List.of()));
        assertEquals(Map.of("n007.service", units.get(7)), r.namedUnits(List.of("n007.service", "n007.service")),
                "a name given twice is read once");
    }

    @Test
    void unitTextIsKeptByteForByteAndUnitsAreListedInKeyOrder() {
        Registry r = client();
        String text = "[Unit]\r\nDescription=caf\u00e9 \\\\ \"quoted\" \ud83d\ude80\t\n\n[Service]\nExecStart=/bin/sh -c 'echo %i'\n";
        r.createUnit(unit("t@.service", text));
        r.createUnit(unit("t.service", "x"));
        r.createUnit(unit("a.service", "x"));
        assertEquals(text, r.unit("t@.service").orElseThrow().value().text());
        assertEquals(List.of("a.service", "t.service", "t@.service"),
                r.units().value().stream().map(UnitRecord::name).toList());
    }

    @Test
    void everyChangeBumpsTheRevisionAndEveryReadReturnsIt() {
        Registry r = client();
        long start = r.units().revision();
        assertTrue(r.createUnit(unit("a.service", "x")));
        long created = r.unit("a.service").orElseThrow().revision();
        assertTrue(created > start);
        assertEquals(created, r.units().revision());
        assertEquals(created, client().waiting().revision(), "another client reads the same revision");

        assertFalse(r.createUnit(unit("a.service", "y")));
        assertTrue(r.setDesiredState("a.service", DesiredState.INACTIVE), "already inactive");
        assertFalse(r.deleteUnit("missing.service"));
        assertEquals(created, r.units().revision(), "writes that change nothing leave the revision");

        assertTrue(r.setDesiredState("a.service", DesiredState.LOADED));
        assertEquals(created + 1, r.unit("a.service").orElseThrow().revision());
        assertEquals(created + 1, r.assignments().revision());
    }

    @Test
    void globalUnitsAreIndexedInTheSameWriteAndFollowReplaceAndDelete() throws Exception {
        Registry r = client();
        WatchView<UnitRecord> globals = new WatchView<>();
        closeLater(r.watchGlobalUnits(globals));
        String global = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\n";
        assertTrue(r.createUnit(unit("g.service", global)));
        assertTrue(r.createUnit(unit("plain.service", "[Service]\nExecStart=/bin/true\n")));
        assertTrue(r.createUnit(unit("broken.service", "[X-Fleet]\nGlobal=true\n[Unit\n")));
        assertEquals(List.of("g.service"), r.globalUnits().value().stream().map(UnitRecord::name).toList());
        assertEquals(r.unit("g.service").orElseThrow().revision(), r.unit("plain.service").orElseThrow().revision() - 1,
                "unit and index in one revision");
        eventually(() -> globals.items.keySet().equals(Set.of("g.service")));

        assertTrue(r.setDesiredState("g.service", DesiredState.LAUNCHED));
        eventually(() -> globals.items.get("g.service").desired() == DesiredState.LAUNCHED);

        Versioned<UnitRecord> current = r.unit("g.service").orElseThrow();
        assertTrue(r.replaceUnit(unit("g.service", "[Service]\nExecStart=/bin/false\n"), current.revision()));
        assertEquals(List.of(), r.globalUnits().value(), "no longer global: dropped from the index");

        assertTrue(r.createUnit(unit("g2.service", global)));
        assertTrue(r.deleteUnit("g2.service"));
        assertFalse(r.deleteUnit("g2.service"));
        assertEquals(List.of(), r.globalUnits().value());
        eventually(() -> globals.items.isEmpty());
        assertNull(globals.violation());
    }

    private static final String GLOBAL = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\n";

    @Test
    void manyUnitsAreCreatedInBatchesWithTheirGlobalIndexEntries() {
        Registry r = client();
        List<UnitRecord> units = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            // every third one global: two operations each, so batches are cut by operations, not units
            units.add(unit(String.format("u%03d.service", i), i % 3 == 0 ? GLOBAL : "[Service]\nExecStart=/bin/true\n"));
        }
        long before = r.units().revision();
        Map<String, Boolean> created = r.createUnits(units);
        assertEquals(units.stream().map(UnitRecord::name).toList(), List.copyOf(created.keySet()), "in the order given");
        assertTrue(created.values().stream().allMatch(b -> b));
        assertEquals(units, r.units().value());
        assertEquals(84, r.globalUnits().value().size());
        long revisions = r.units().revision() - before;
        assertTrue(revisions >= 4 && revisions <= 10, "334 operations in transactions of at most 100: " + revisions);
    }

    @Test
    void aHalfConflictingBatchWritesExactlyTheAbsentUnits() {
        Registry r = client();
        List<UnitRecord> batch = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String name = "c" + i + ".service";
            if (i % 2 == 0) {
                assertTrue(r.createUnit(new UnitRecord(name, "old " + i, "old", DesiredState.LAUNCHED)));
            }
            batch.add(unit(name, i % 4 == 1 ? GLOBAL : "new " + i));
        }
        Map<String, Long> revisionsBefore = new java.util.HashMap<>();
        r.units().value().forEach(u -> revisionsBefore.put(u.name(), r.unit(u.name()).orElseThrow().revision()));

        Map<String, Boolean> created = r.createUnits(batch);
        for (int i = 0; i < 120; i++) {
            String name = "c" + i + ".service";
            UnitRecord now = r.unit(name).orElseThrow().value();
            if (i % 2 == 0) {
                assertFalse(created.get(name), name);
                assertEquals(new UnitRecord(name, "old " + i, "old", DesiredState.LAUNCHED), now, "an existing unit is untouched");
                assertEquals(revisionsBefore.get(name), r.unit(name).orElseThrow().revision());
            } else {
                assertTrue(created.get(name), name);
                assertEquals(batch.get(i), now);
            }
        }
        assertEquals(120, r.units().value().size());
        assertEquals(30, r.globalUnits().value().size(), "index entries only for the created global units");

        long revision = r.units().revision();
        assertTrue(r.createUnits(batch).values().stream().noneMatch(b -> b), "all exist now");
        assertEquals(revision, r.units().revision(), "a batch of existing units writes nothing");
        assertEquals(Map.of(), r.createUnits(List.of()));
    }

    @Test
    void aBatchNamingAUnitTwiceIsRefusedWhole() {
        Registry r = client();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.createUnits(List.of(unit("a.service", "x"), unit("b.service", "x"), unit("a.service", "y"))));
        assertTrue(e.getMessage().contains("a.service"), e.getMessage());
        assertEquals(List.of(), r.units().value());
    }

    @Test
    void desiredStatesOfManyUnitsAreSetAndMissingOnesReported() throws Exception {
        Registry r = client();
        WatchView<UnitRecord> globals = new WatchView<>();
        closeLater(r.watchGlobalUnits(globals));
        List<UnitRecord> units = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            units.add(unit("d" + i + ".service", i % 5 == 0 ? GLOBAL : "text " + i));
        }
        r.createUnits(units);
        Map<String, DesiredState> wanted = new java.util.LinkedHashMap<>();
        for (int i = 129; i >= 0; i--) {
            wanted.put("d" + i + ".service", i % 2 == 0 ? DesiredState.LAUNCHED : DesiredState.INACTIVE);
        }
        wanted.put("missing.service", DesiredState.LOADED);

        Map<String, Boolean> set = r.setDesiredStates(wanted);
        assertEquals(List.copyOf(wanted.keySet()), List.copyOf(set.keySet()), "in the map's order");
        assertFalse(set.get("missing.service"));
        assertEquals(130, set.values().stream().filter(b -> b).count());
        for (UnitRecord u : r.units().value()) {
            assertEquals(wanted.get(u.name()), u.desired(), u.name());
            assertEquals(units.stream().filter(x -> x.name().equals(u.name())).findFirst().orElseThrow().text(), u.text());
        }
        assertEquals(Optional.empty(), r.unit("missing.service"), "a missing unit is not created");
        eventually(() -> globals.items.size() == 26
                && globals.items.values().stream().allMatch(g -> g.desired() == wanted.get(g.name())));

        long revision = r.units().revision();
        assertTrue(r.setDesiredStates(wanted).get("d0.service"));
        assertEquals(revision, r.units().revision(), "states already as wanted: nothing written");
        assertNull(globals.violation());
    }

    @Test
    void theClusterWatchReportsUnitsMachinesAndStatesOnly() throws Exception {
        Registry r = client();
        MachinePresence m = closeLater(r.register(machine('c', "127.0.0.13"), TTL, "s", Duration.ZERO));
        assertTrue(r.createUnit(unit("before.service", "[Service]\nExecStart=/bin/true\n")));
        WatchView<ClusterItem> view = new WatchView<>();
        List<List<WatchEvent<ClusterItem>>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        closeLater(r.watchCluster(0, batch -> {
            batches.add(batch);
            batch.forEach(view);
        }));
        eventually(() -> view.items.keySet().equals(Set.of("units/before.service", "machines/" + "c".repeat(32))));
        String global = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\n";
        assertTrue(r.createUnit(unit("g.service", global)));
        r.publishState(m, new UnitState(m.machine().id(), "g.service", "h", "loaded", "active", "running"));
        assertTrue(r.deleteUnit("before.service"));
        eventually(() -> view.items.keySet().equals(Set.of("units/g.service", "machines/" + "c".repeat(32),
                "states/" + "c".repeat(32) + "/g.service")));
        assertEquals("active", ((ClusterItem.StateItem) view.items.get("states/" + "c".repeat(32) + "/g.service"))
                .state().activeState());
        assertTrue(view.events.stream().allMatch(e -> !(e instanceof WatchEvent.Updated<ClusterItem> u)
                || ClusterItem.reported(u.key())), "no globals/ index entries: " + view.events);
        assertNull(view.violation());
        for (List<WatchEvent<ClusterItem>> b : batches) {
            assertTrue(b.size() == 1 || b.stream().allMatch(e -> !(e instanceof WatchEvent.Snapshot<ClusterItem>)
                    && e.revision() == b.get(0).revision()), "one revision per batch: " + b);
        }
        assertEquals(1, batches.stream().filter(b -> b.get(0).revision() == r.unit("g.service").orElseThrow().revision())
                .count(), "the global unit's write is one batch");
    }

    // ---- unit failures (fenced) ----

    @Test
    void failureRecordsAreWrittenByTheLeaderAndSurviveIt() throws Exception {
        Registry r1 = client();
        LeaderElection e1 = closeLater(r1.leaderElection("m1", TTL));
        long oldFence = gain(e1);
        dev.flotilla.model.UnitFailure f = new dev.flotilla.model.UnitFailure("a.service", "h1", 1,
                List.of("m1"), "failed on m1: failed/failed", 1_000, 2_000);
        assertEquals(Optional.empty(), r1.unitFailure("a.service"));
        assertTrue(r1.putUnitFailure(oldFence, f));
        assertEquals(Optional.of(f), r1.unitFailure("a.service"));

        e1.close(); // resigns
        Registry r2 = client();
        long newFence = lead(r2, "m2");
        assertEquals(List.of(f), r2.unitFailures().value(), "the next leader reads the record");
        assertFalse(r1.putUnitFailure(oldFence, f), "the old leader's write is refused");
        assertFalse(r1.removeUnitFailure(oldFence, "a.service"), "the old leader's removal is refused");
        dev.flotilla.model.UnitFailure second = new dev.flotilla.model.UnitFailure("a.service", "h1", 2,
                List.of("m1", "m2"), "failed on m2: failed/failed", 3_000, 5_000);
        assertTrue(r2.putUnitFailure(newFence, second));
        assertEquals(List.of(second), r2.unitFailures().value());
        assertTrue(r2.removeUnitFailure(newFence, "a.service"));
        assertTrue(r2.removeUnitFailure(newFence, "a.service"), "removing nothing is no error");
        assertEquals(List.of(), r2.unitFailures().value());
    }

    // ---- assignments (fenced) ----

    @Test
    void aDeposedEngineCannotWriteAssignments() throws Exception {
        Registry r1 = client();
        LeaderElection e1 = closeLater(r1.leaderElection("m1", TTL));
        long oldFence = gain(e1);
        assertTrue(r1.applyAssignments(oldFence, List.of(assign("m1", "a.service"))));

        e1.close(); // resigns
        Registry r2 = client();
        long newFence = lead(r2, "m2");
        assertTrue(newFence > oldFence);
        assertFalse(r1.applyAssignments(oldFence, List.of(assign("m1", "b.service"))),
                "the old leader's fenced write is refused");
        assertEquals(List.of(new Assignment("m1", "a.service", "h")), r2.assignments().value());
    }

    @Test
    void assignmentsCarryTheDesiredStateAndWaitingReasonsAreFenced() throws Exception {
        Registry r = client();
        long fence = lead(r, "engine-1");
        WatchView<Assignment> m1 = new WatchView<>();
        WatchView<String> waiting = new WatchView<>();
        closeLater(r.watchAssignments("m1", m1));
        closeLater(r.watchWaiting(waiting));
        Assignment loaded = new Assignment("m1", "a.service", "h", DesiredState.LOADED);
        assertTrue(r.applyAssignments(fence, List.of(new AssignmentChange.Assign(loaded),
                new AssignmentChange.Waiting("b.service", "no machine has metadata az=x"))));
        assertEquals(List.of(loaded), r.assignments().value());
        assertEquals(Map.of("b.service", "no machine has metadata az=x"), r.waiting().value());
        eventually(() -> m1.items.equals(Map.of("a.service", loaded)));
        eventually(() -> waiting.items.equals(Map.of("b.service", "no machine has metadata az=x")));

        assertTrue(r.applyAssignments(fence, List.of(
                new AssignmentChange.Assign(new Assignment("m1", "a.service", "h", DesiredState.LAUNCHED)),
                new AssignmentChange.NotWaiting("b.service"))));
        assertEquals(Map.of(), r.waiting().value());
        eventually(() -> m1.items.get("a.service").desired() == DesiredState.LAUNCHED && waiting.items.isEmpty());
        assertFalse(r.applyAssignments(fence + 1_000_000, List.of(new AssignmentChange.Waiting("c.service", "x"))),
                "a write at a fencing revision that is not the leader's is refused");
        assertEquals(Map.of(), r.waiting().value());
    }

    @Test
    void largeAssignmentBatchesAreSplitBelowEtcdsTransactionLimit() throws Exception {
        Registry r = client();
        long fence = lead(r, "m1");
        List<AssignmentChange> changes = new ArrayList<>();
        for (int i = 0; i < 350; i++) {
            changes.add(assign("m" + (i % 3), "u" + i + ".service"));
        }
        assertTrue(r.applyAssignments(fence, changes));
        assertEquals(350, r.assignments().value().size());
    }

    @Test
    void assignmentsAreListedInKeyOrderAndAKeyWrittenTwiceInOneBatchIsRefused() throws Exception {
        Registry r = client();
        long fence = lead(r, "engine");
        assertTrue(r.applyAssignments(fence, List.of(assign("m2", "a.service"), assign("m10", "b.service"),
                assign("m1", "c.service"), assign("m1", "a.service"))));
        assertEquals(List.of("m1/a.service", "m1/c.service", "m10/b.service", "m2/a.service"),
                r.assignments().value().stream().map(a -> a.machineId() + "/" + a.unit()).toList(),
                "sorted by key, as etcd sorts them");
        long before = r.assignments().revision();
        assertThrows(RegistryException.class, () -> r.applyAssignments(fence, List.of(assign("m3", "d.service"),
                new AssignmentChange.Assign(new Assignment("m3", "d.service", "other", DesiredState.LOADED)))));
        assertEquals(before, r.assignments().revision(), "nothing of the refused batch was written");
    }

    // ---- watches ----

    @Test
    @SuppressWarnings("unchecked")
    void aWatchStartsWithASnapshotThenDeliversChangesInOrder() throws Exception {
        Registry r = client();
        r.createUnit(unit("a.service", "a"));
        WatchView<UnitRecord> view = new WatchView<>();
        closeLater(r.watchUnits(view));
        snapshotSeen(view);
        assertEquals(Map.of("a.service", unit("a.service", "a")), view.items);

        r.createUnit(unit("b.service", "b"));
        r.setDesiredState("a.service", DesiredState.LAUNCHED);
        r.deleteUnit("b.service");
        eventually(() -> view.events.size() == 4);
        assertInstanceOf(WatchEvent.Updated.class, view.events.get(1));
        assertInstanceOf(WatchEvent.Updated.class, view.events.get(2));
        WatchEvent.Removed<UnitRecord> removed = (WatchEvent.Removed<UnitRecord>) view.events.get(3);
        assertEquals("b", removed.previous().text(), "a removal carries the last value");
        assertEquals(r.units().revision(), removed.revision());
        assertEquals(Map.of("a.service", unit("a.service", "a").withDesired(DesiredState.LAUNCHED)), view.items);
        assertNull(view.violation());
    }

    @Test
    void aWatchHearsEveryKeyOfAWriteThatChangesSeveral() throws Exception {
        Registry r = client();
        long fence = lead(r, "engine");
        WatchView<Assignment> assignments = new WatchView<>();
        WatchView<UnitState> states = new WatchView<>();
        closeLater(r.watchAssignments(assignments));
        closeLater(r.watchStates(states));
        snapshotSeen(assignments);
        snapshotSeen(states);
        assertTrue(r.applyAssignments(fence, List.of(assign("m1", "a.service"), assign("m2", "b.service"),
                assign("m1", "c.service"))));
        eventually(() -> assignments.items.keySet().equals(Set.of("m1/a.service", "m2/b.service", "m1/c.service")));
        assertEquals(1, assignments.events.stream().skip(1).map(WatchEvent::revision).distinct().count(),
                "one transaction, one revision");

        MachinePresence p = register(r, 'a', "s");
        r.publishStates(p, List.of(state(p, "a.service", "active"), state(p, "b.service", "active")));
        eventually(() -> states.items.size() == 2);
        p.close();
        eventually(() -> states.items.isEmpty());
        assertEquals(List.of(WatchEvent.Removed.class, WatchEvent.Removed.class),
                states.events.stream().skip(3).map(Object::getClass).toList(), "the lease took both in one revision");
        assertNull(assignments.violation());
        assertNull(states.violation());
    }

    /**
     * What a progress watch delivered, in order: its events and, as Longs, the revisions it said it
     * had caught up with (whole revisions: after the Snapshot, after each write's changes, and when asked).
     */
    private final class Heard<T> {
        final List<Object> all = new java.util.concurrent.CopyOnWriteArrayList<>();
        final WatchView<T> view = new WatchView<>();
        ProgressWatch watch;

        Heard<T> start(java.util.function.BiFunction<java.util.function.Consumer<WatchEvent<T>>, java.util.function.LongConsumer,
                ProgressWatch> source) throws Exception {
            watch = closeLater(source.apply(e -> {
                view.accept(e);
                all.add(e);
            }, all::add));
            snapshotSeen(view);
            return this;
        }

        /** Waits until a revision at or past the given one is said to be caught up with; what came before that. */
        List<Object> before(long revision) throws Exception {
            eventually(() -> caughtUpAt(revision) >= 0);
            return all.subList(0, caughtUpAt(revision));
        }

        /** Nothing changes under the watch: asked, it still reaches the store's revision (a mirror need not wait for an event). */
        void progressWithoutChange(Registry r) throws Exception {
            r.createUnit(unit("elsewhere.service", "[Service]\nExecStart=/bin/true\n"));
            long later = r.revision();
            watch.requestProgress();
            before(later);
            assertNull(view.violation());
        }

        private int caughtUpAt(long revision) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i) instanceof Long caught && caught >= revision) {
                    return i;
                }
            }
            return -1;
        }
    }

    @Test
    void aStatesWatchSaysHowFarItHasCaughtUpAfterItsEvents() throws Exception {
        Registry r = client();
        MachinePresence p = register(r, 'a', "s");
        Heard<UnitState> heard = new Heard<UnitState>().start(r::watchStates);

        r.publishStates(p, List.of(state(p, "a.service", "active")));
        long written = r.revision();
        heard.watch.requestProgress();
        assertTrue(heard.before(written).stream().anyMatch(h -> h instanceof WatchEvent.Updated<?>),
                "the change written before the request is heard before the progress: " + heard.all);

        // Thirty keys in one revision: no revision is said to be caught up with before all of them arrived.
        List<UnitState> many = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add(state(p, "m" + i + ".service", "active"));
        }
        r.publishStates(p, many);
        long together = r.revision();
        assertEquals(30, heard.before(together).stream().filter(h -> h instanceof WatchEvent.Updated<?> u
                && u.revision() == together).count(), "the whole revision before it is caught up with: " + heard.all);

        heard.progressWithoutChange(r);
    }

    @Test
    void anAssignmentsWatchSaysHowFarItHasCaughtUp() throws Exception {
        Registry r = client();
        long fence = lead(r, "engine");
        Heard<Assignment> heard = new Heard<Assignment>().start(r::watchAssignments);

        assertTrue(r.applyAssignments(fence, List.of(assign("m1", "a.service"), assign("m2", "b.service"))));
        long written = r.revision();
        assertEquals(2, heard.before(written).stream().filter(h -> h instanceof WatchEvent.Updated<?>).count(),
                "both changes before the revision is whole: " + heard.all);

        heard.progressWithoutChange(r);
    }

    @Test
    void perMachineAssignmentWatchSeesOnlyThatMachine() throws Exception {
        Registry r = client();
        long fence = lead(r, "m1");
        WatchView<Assignment> m1 = new WatchView<>();
        closeLater(r.watchAssignments("m1", m1));
        snapshotSeen(m1);
        r.applyAssignments(fence, List.of(assign("m1", "a.service"), assign("m10", "b.service"), assign("m2", "c.service")));
        r.applyAssignments(fence, List.of(new AssignmentChange.Unassign("m10", "b.service"), assign("m1", "d.service")));
        eventually(() -> m1.items.size() == 2);
        assertEquals(Map.of("a.service", new Assignment("m1", "a.service", "h"),
                "d.service", new Assignment("m1", "d.service", "h")), m1.items);
        assertEquals(3, m1.events.size(), "nothing of the other machines");
    }

    @Test
    void aMachineWatchHearsArrivalsAndDepartures() throws Exception {
        Registry r = client();
        WatchView<Machine> view = new WatchView<>();
        closeLater(r.watchMachines(view));
        snapshotSeen(view);
        MachinePresence a = register(client(), 'a', "s");
        eventually(() -> view.items.equals(Map.of(a.machine().id(), a.machine())));
        a.close();
        eventually(() -> view.items.isEmpty());
        WatchEvent<Machine> last = view.events.get(view.events.size() - 1);
        assertEquals(a.machine(), ((WatchEvent.Removed<Machine>) last).previous());
    }

    // ---- the election ----

    @Test
    void exactlyOneLeaderAndACleanResignationHandsOverAtOnce() throws Exception {
        Registry r1 = client();
        Registry r2 = client();
        List<LeaderElection.Leadership> events1 = new CopyOnWriteArrayList<>();
        LeaderElection e1 = closeLater(r1.leaderElection("m1", TTL));
        e1.start(events1::add);
        eventually(e1::isLeader);
        assertEquals(Optional.of("m1"), r1.engineLeader());

        LeaderElection e2 = closeLater(r2.leaderElection("m2", TTL));
        e2.start(l -> { });
        eventually(() -> e2.leader().equals(Optional.of("m1")));
        assertFalse(e2.isLeader());

        e1.close();
        assertInstanceOf(LeaderElection.Leadership.Lost.class, events1.get(events1.size() - 1),
                "close() returns after the loss was heard");
        assertFalse(e1.isLeader());
        // The lease is 30 s: only the resignation explains the handover.
        eventually(e2::isLeader);
        assertEquals(Optional.of("m2"), r2.engineLeader());
        assertEquals(Optional.of("m2"), e2.leader());
    }

    @Test
    void aRestartedEngineTakesBackItsOwnLeaderKeyAtOnce() throws Exception {
        Registry before = connect();
        long oldFence = lead(before, "m1");
        before.close(); // a crash: the key stays until its 30 s lease runs out

        Registry after = client();
        long newFence = lead(after, "m1");
        assertTrue(newFence > oldFence);
        assertEquals(Optional.of("m1"), after.engineLeader());
        assertFalse(after.applyAssignments(oldFence, List.of(assign("m1", "a.service"))));
        assertTrue(after.applyAssignments(newFence, List.of(assign("m1", "a.service"))));
    }
    // ---- rollouts ----

    static dev.flotilla.model.Rollout rollout(String id, String... units) {
        List<dev.flotilla.model.RolloutUnit> us = new ArrayList<>();
        for (String u : units) {
            us.add(dev.flotilla.model.RolloutUnit.pending(u, "old", "new"));
        }
        return new dev.flotilla.model.Rollout(id, us, Map.of("old", "[Service]\nExecStart=/bin/a\n",
                "new", "[Service]\nExecStart=/bin/b\n"), dev.flotilla.model.RolloutSettings.DEFAULT,
                dev.flotilla.model.Rollout.Phase.RUNNING, dev.flotilla.model.Rollout.Request.NONE, "", 1, 1);
    }

    @Test
    void aRolloutHoldsItsUnitsUntilItIsReleased() throws Exception {
        Registry r = client();
        long fence = lead(r, "engine-1");
        assertInstanceOf(Rollouts.Creation.Created.class, r.createRollout(rollout("r1", "a.service", "b.service")));
        assertEquals(new Rollouts.Creation.Busy("b.service", "r1"), r.createRollout(rollout("r2", "b.service", "c.service")),
                "a second rollout of a unit is refused, naming the first");
        assertTrue(r.rollout("r2").isEmpty(), "nothing of the refused rollout is written");
        Versioned<dev.flotilla.model.Rollout> stored = r.rollout("r1").orElseThrow();
        assertEquals(rollout("r1", "a.service", "b.service"), stored.value(), "the record reads back as written");

        dev.flotilla.model.Rollout done = stored.value().withPhase(dev.flotilla.model.Rollout.Phase.SUCCEEDED, "", 2);
        assertEquals(0, r.advanceRollout(fence + 1_000_000, done, stored.revision(), true), "not the leader's fence: refused");
        assertEquals(0, r.advanceRollout(fence, done, stored.revision() - 1, true), "an outdated record: refused");
        long at = r.advanceRollout(fence, done, stored.revision(), true);
        assertTrue(at > stored.revision());
        assertEquals(List.of(new Versioned<>(done, at)), r.rollouts());
        assertInstanceOf(Rollouts.Creation.Created.class, r.createRollout(rollout("r2", "b.service", "c.service")),
                "released units can roll again");
        assertTrue(r.deleteRollout(fence, "r1"));
        assertEquals(List.of("r2"), r.rollouts().stream().map(v -> v.value().id()).toList());
    }

    @Test
    void aRequestIsCompareAndSetOnTheRecord() {
        Registry r = client();
        r.createRollout(rollout("r1", "a.service"));
        long revision = r.rollout("r1").orElseThrow().revision();
        assertFalse(r.requestRollout("r1", dev.flotilla.model.Rollout.Request.PAUSE, revision + 5));
        assertTrue(r.requestRollout("r1", dev.flotilla.model.Rollout.Request.PAUSE, revision));
        assertEquals(dev.flotilla.model.Rollout.Request.PAUSE, r.rollout("r1").orElseThrow().value().request());
        assertFalse(r.requestRollout("nope", dev.flotilla.model.Rollout.Request.PAUSE, revision));
    }

    @Test
    void aRolloutTooBigIsRefusedAndNothingIsWritten() {
        Registry r = client();
        String[] many = new String[Rollouts.MAX_UNITS + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = "u" + i + ".service";
        }
        assertThrows(IllegalArgumentException.class, () -> r.createRollout(rollout("big", many)));
        dev.flotilla.model.Rollout small = rollout("huge", "a.service");
        dev.flotilla.model.Rollout huge = new dev.flotilla.model.Rollout("huge", small.units(),
                Map.of("old", "x".repeat(Rollouts.MAX_RECORD_BYTES), "new", "y"), small.settings(), small.phase(),
                small.request(), "", 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.createRollout(huge));
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());
        assertTrue(r.rollouts().isEmpty());
        assertInstanceOf(Rollouts.Creation.Created.class, r.createRollout(rollout("ok", "a.service")),
                "no unit was taken by the refused ones");
    }

    @Test
    void rolloutUnitWritesAreFencedAndCompareAndSetPerUnit() throws Exception {
        Registry r = client();
        long fence = lead(r, "engine-1");
        r.createUnit(unit("a.service", "[Service]\nExecStart=/bin/a\n"));
        r.createUnit(unit("b.service", "[Service]\nExecStart=/bin/a\n"));
        long a = r.unit("a.service").orElseThrow().revision();
        long b = r.unit("b.service").orElseThrow().revision();
        UnitRecord newA = new UnitRecord("a.service", "[Service]\nExecStart=/bin/b\n", "new", DesiredState.LAUNCHED);
        UnitRecord newB = new UnitRecord("b.service", "[Service]\nExecStart=/bin/b\n", "new", DesiredState.LAUNCHED);
        assertFalse(r.writeRolloutUnits(fence + 1_000_000, List.of(new Rollouts.UnitWrite(newA, a))));
        assertEquals("[Service]\nExecStart=/bin/a\n", r.unit("a.service").orElseThrow().value().text());
        assertTrue(r.writeRolloutUnits(fence, List.of(new Rollouts.UnitWrite(newA, a), new Rollouts.UnitWrite(newB, b - 1))),
                "a unit that changed meanwhile is left alone, the others are written");
        assertEquals("new", r.unit("a.service").orElseThrow().value().hash());
        assertEquals(unit("b.service", "[Service]\nExecStart=/bin/a\n").hash(), r.unit("b.service").orElseThrow().value().hash());
    }

    @Test
    void aRecordOnlyWriteLeavesTheGlobalIndexAtTheOldText() throws Exception {
        Registry r = client();
        long fence = lead(r, "engine-1");
        String old = "[Service]\nExecStart=/bin/a\n[X-Fleet]\nGlobal=true\n";
        String next = "[Service]\nExecStart=/bin/b\n[X-Fleet]\nGlobal=true\n";
        r.createUnit(unit("g.service", old));
        long at = r.unit("g.service").orElseThrow().revision();
        UnitRecord newG = unit("g.service", next);
        assertTrue(r.writeRolloutUnits(fence, List.of(new Rollouts.UnitWrite(newG, at, true))));
        assertEquals(newG.hash(), r.unit("g.service").orElseThrow().value().hash());
        assertEquals(old, r.globalUnits().value().get(0).text(), "agents still follow the old text");
        long after = r.unit("g.service").orElseThrow().revision();
        assertTrue(r.writeRolloutUnits(fence, List.of(new Rollouts.UnitWrite(newG, after))));
        assertEquals(next, r.globalUnits().value().get(0).text(), "a full write moves the index too");
    }

    @Test
    void aGlobalRolloutTakesItsUnitOnceForAllItsMachines() throws Exception {
        Registry r = client();
        long fence = lead(r, "engine-1");
        dev.flotilla.model.Rollout g = new dev.flotilla.model.Rollout("g1",
                List.of(dev.flotilla.model.RolloutUnit.pendingOn("m1", "g.service", "old", "new"),
                        dev.flotilla.model.RolloutUnit.pendingOn("m2", "g.service", "old", "new")),
                Map.of("old", "a", "new", "b"), dev.flotilla.model.RolloutSettings.DEFAULT,
                dev.flotilla.model.Rollout.Phase.RUNNING, dev.flotilla.model.Rollout.Request.NONE, "", 1, 1);
        assertInstanceOf(Rollouts.Creation.Created.class, r.createRollout(g));
        assertEquals(List.of("m1", "m2"), r.rollout("g1").orElseThrow().value().units().stream()
                .map(dev.flotilla.model.RolloutUnit::machine).toList(), "each step keeps its machine");
        assertEquals(new Rollouts.Creation.Busy("g.service", "g1"), r.createRollout(rollout("r2", "g.service")));
        long rev = r.rollout("g1").orElseThrow().revision();
        assertTrue(r.advanceRollout(fence, g.withPhase(dev.flotilla.model.Rollout.Phase.SUCCEEDED, "", 2), rev, true) > 0);
        assertInstanceOf(Rollouts.Creation.Created.class, r.createRollout(rollout("r3", "g.service")), "released");
    }

    @Test
    void rolloutsAreWatched() throws Exception {
        Registry r = client();
        WatchView<dev.flotilla.model.Rollout> view = new WatchView<>();
        closeLater(r.watchRollouts(view));
        r.createRollout(rollout("r1", "a.service"));
        eventually(() -> view.items.containsKey("r1"));
    }
}
