package dev.flotilla.agent;

import dev.flotilla.registry.ConnectionState;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Subscription;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.WatchEvent;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's loop against a real etcd and a systemd of plain values ({@link FakeSystemd}). */
@Tag("etcd")
class AgentLoopTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    static final String ME = "a".repeat(32);
    /** flotd's default: no test here waits for it to run out, and a starved test JVM must not lose it. */
    static final Duration TTL = Duration.ofSeconds(5);
    /** For a lease that must outlive a crash and a reconnect, however slow the machine. */
    static final Duration LONG_TTL = Duration.ofSeconds(30);
    static final Duration T = Duration.ofSeconds(15);

    @TempDir
    Path tmp;

    private EtcdConfig config;
    private TestEngine engine;
    private FakeSystemd systemd;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    static String text(String tag) {
        return "[Service]\nExecStart=/bin/sleep 1000\n# " + tag + "\n";
    }

    @BeforeEach
    void setUp() {
        config = etcd.newConfig();
        engine = new TestEngine(config);
        systemd = new FakeSystemd();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        engine.close();
        systemd.close();
    }

    private Registry registry() {
        Registry r = Registry.connect(config);
        toClose.add(r);
        return r;
    }

    private AgentConfig agentConfig() {
        return agentConfig(TTL);
    }

    private AgentConfig agentConfig(Duration ttl) {
        return AgentConfig.of(new Machine(ME, "127.0.0.70", Map.of("az", "a"), "test"), ttl, "session-1", tmp.resolve("units"))
                .withRegisterRetry(Duration.ofMillis(200));
    }

    private DefaultAgent startAgent(Registry registry) {
        return startAgent(registry, agentConfig());
    }

    private DefaultAgent startAgent(Registry registry, AgentConfig agentConfig) {
        DefaultAgent agent = (DefaultAgent) Agent.create(agentConfig, registry, systemd);
        toClose.add(agent);
        agent.start();
        return agent;
    }

    private Path file(String unit) {
        return tmp.resolve("units").resolve(unit);
    }

    private Optional<UnitState> published(String unit) {
        return engine.registry.unitStates(ME).value().stream().filter(s -> s.unit().equals(unit)).findFirst();
    }

    private void awaitPublished(String unit, String hash, String active, String sub) {
        await().atMost(T).until(() -> published(unit)
                .filter(s -> s.hash().equals(hash) && s.activeState().equals(active) && s.subState().equals(sub)).isPresent());
    }

    /** Counts the state writes per unit of this machine, as etcd's watch delivers them. */
    private static final class StateWrites {
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private final Map<String, String> lastActive = new ConcurrentHashMap<>();
        private volatile boolean listed;

        void snapshot(Map<String, UnitState> items) {
            items.values().forEach(state -> lastActive.put(state.unit(), state.activeState()));
            listed = true;
        }

        void updated(UnitState state) {
            lastActive.put(state.unit(), state.activeState());
            counts.computeIfAbsent(state.unit(), k -> new AtomicInteger()).incrementAndGet();
        }

        void removed(String unit) {
            lastActive.remove(unit);
            counts.computeIfAbsent(unit, k -> new AtomicInteger()).incrementAndGet();
        }

        int count(String unit) {
            AtomicInteger n = counts.get(unit);
            return n == null ? 0 : n.get();
        }

        /** The watch runs behind the registry's reads: wait until it has delivered this state. */
        void awaitSeen(String unit, String activeState) {
            await().atMost(T).until(() -> activeState.equals(lastActive.get(unit)));
        }
    }

    private StateWrites countStateWrites() {
        StateWrites writes = new StateWrites();
        Subscription s = engine.registry.watchStates(e -> {
            if (e instanceof WatchEvent.Snapshot<UnitState> snapshot) {
                writes.snapshot(snapshot.items());
            } else if (e instanceof WatchEvent.Updated<UnitState> u) {
                writes.updated(u.value());
            } else if (e instanceof WatchEvent.Removed<UnitState> r) {
                writes.removed(r.key().substring(r.key().indexOf('/') + 1));
            }
        });
        toClose.add(s);
        // count from a known point: writes before the watch's first listing would be missed
        await().atMost(T).until(() -> writes.listed);
        return writes;
    }

    @Test
    void anAssignedUnitRunsIsPublishedAndIsRemovedWhenUnassigned() throws Exception {
        startAgent(registry());
        String h = engine.place(ME, "web.service", text("web"), DesiredState.LAUNCHED);

        await().atMost(T).until(() -> systemd.isActive("web.service"));
        assertEquals(text("web"), Files.readString(file("web.service")));
        assertEquals(text("web"), systemd.startedText("web.service"));
        awaitPublished("web.service", h, "active", "running");
        assertEquals("loaded", published("web.service").orElseThrow().loadState());
        assertEquals(0, systemd.reloads(), "a new unit needs no daemon-reload");

        engine.unassign(ME, "web.service");
        await().atMost(T).until(() -> published("web.service").isEmpty());
        assertFalse(systemd.isActive("web.service"));
        assertFalse(systemd.isLinked("web.service"));
        assertFalse(Files.exists(file("web.service")));
        List<String> calls = systemd.calls();
        assertTrue(calls.indexOf("stop web.service") < calls.indexOf("unlink web.service"), calls.toString());
        assertEquals("reload", calls.get(calls.size() - 1), calls.toString());
    }

    @Test
    void statesArePublishedOnlyWhenTheyChange() {
        StateWrites writes = countStateWrites();
        startAgent(registry());
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        awaitPublished("a.service", ha, "active", "running");
        writes.awaitSeen("a.service", "active");
        int afterStart = writes.count("a.service");
        assertEquals(1, afterStart, "started: active, once");

        // systemd repeats the same state: nothing is written
        systemd.startedByOthers("a.service");
        // a real change of another unit, published after the repeat
        String hb = engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        awaitPublished("b.service", hb, "active", "running");
        writes.awaitSeen("b.service", "active");
        assertEquals(afterStart, writes.count("a.service"), "an unchanged state is not written again");

        // the process exits: one write, and the agent does not start it again
        systemd.exit("a.service");
        awaitPublished("a.service", ha, "inactive", "dead");
        writes.awaitSeen("a.service", "inactive");
        assertEquals(afterStart + 1, writes.count("a.service"));
        assertEquals(1, systemd.starts("a.service"), "a unit that exited is not started again by the agent");
    }

    @Test
    void aUnitSlowToStartIsPublishedOnceWhenActiveNotFirstAsInactive() {
        // The state event comes well after the publisher's gathering delay: the state read before the
        // start (loaded, inactive) must not be published in between.
        systemd.slowStarts(Duration.ofMillis(400));
        StateWrites writes = countStateWrites();
        startAgent(registry());
        String h = engine.place(ME, "slow.service", text("slow"), DesiredState.LAUNCHED);
        awaitPublished("slow.service", h, "active", "running");
        writes.awaitSeen("slow.service", "active");
        assertEquals(1, writes.count("slow.service"), "one state write: active");

        // A unit placed loaded (not started) is published as systemd reports it, inactive.
        String hl = engine.place(ME, "idle.service", text("idle"), DesiredState.LOADED);
        awaitPublished("idle.service", hl, "inactive", "dead");
    }

    @Test
    void aRestartedDaemonThatResumesItsLeaseRewritesNothing() {
        Registry first = Registry.connect(config);
        DefaultAgent before = startAgent(first, agentConfig(LONG_TTL));
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        String hb = engine.place(ME, "b.service", text("b"), DesiredState.LOADED);
        awaitPublished("a.service", ha, "active", "running");
        awaitPublished("b.service", hb, "inactive", "dead");
        long lease = before.currentPresence().leaseId();

        before.halt(); // crash: no unit touched, no deregistration
        first.close(); // keep-alives stop; the lease lives out its TTL
        StateWrites writes = countStateWrites();
        systemd.clearCalls();

        DefaultAgent after = startAgent(registry(), agentConfig(LONG_TTL));
        assertTrue(after.currentPresence().resumed());
        assertEquals(lease, after.currentPresence().leaseId());
        String hc = engine.place(ME, "c.service", text("c"), DesiredState.LAUNCHED);
        awaitPublished("c.service", hc, "active", "running");
        writes.awaitSeen("c.service", "active"); // any write of a or b before c's would be counted by now

        assertEquals(0, writes.count("a.service"), "unchanged states are not written again");
        assertEquals(0, writes.count("b.service"));
        List<String> calls = systemd.calls();
        assertFalse(calls.contains("start a.service"), "a running unit is adopted, not started: " + calls);
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("stop")), calls.toString());
        assertEquals(1, systemd.starts("a.service"));
    }

    @Test
    void aNewLeaseAfterTheOldExpiredStopsWhatMovedAndKeepsWhatIsStillAssigned() throws Exception {
        DefaultAgent agent = startAgent(registry());
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        String hb = engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        awaitPublished("a.service", ha, "active", "running");
        awaitPublished("b.service", hb, "active", "running");
        MachinePresence old = agent.currentPresence();
        systemd.clearCalls();

        // The lease expires on the server (as after a partition longer than the TTL) ...
        try (Client raw = Client.builder().endpoints(etcd.endpoint()).build()) {
            raw.getLeaseClient().revoke(old.leaseId()).get(20, TimeUnit.SECONDS);
        }
        // ... and the engine moves a.service away; b.service stays assigned here.
        engine.unassign(ME, "a.service");

        await().atMost(T).until(() -> agent.currentPresence() != old && agent.presenceState() == ConnectionState.CONNECTED);
        assertFalse(agent.currentPresence().resumed());
        await().atMost(T).until(() -> !systemd.isActive("a.service") && !Files.exists(file("a.service")));
        // The states died with the old lease: the new one publishes them again.
        awaitPublished("b.service", hb, "active", "running");

        // What is still assigned here runs nowhere else: it was never stopped.
        assertTrue(systemd.isActive("b.service"));
        assertEquals(1, systemd.starts("b.service"), systemd.calls().toString());
        assertFalse(systemd.calls().contains("stop b.service"), systemd.calls().toString());
    }

    @Test
    void aLeaseResumedAfterEtcdCameBackStopsNothing() {
        // A longer TTL: the restarted etcd extends the lease by its TTL, and the client needs a moment to
        // reconnect, longer on a loaded machine.
        Duration ttl = Duration.ofSeconds(10);
        DefaultAgent agent = startAgent(registry(), agentConfig(ttl));
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        awaitPublished("a.service", ha, "active", "running");
        systemd.clearCalls();

        etcd.stop();
        try {
            await().atMost(ttl.plus(T)).until(() -> agent.presenceState() == ConnectionState.LOST);
            assertTrue(systemd.isActive("a.service"), "losing etcd does not stop units");
        } finally {
            etcd.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.presenceState() == ConnectionState.CONNECTED);
        assertTrue(agent.currentPresence().resumed(), "etcd keeps leases alive across its restart");
        // A barrier: a new unit runs, so the agent is past its passes after the return.
        engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        await().atMost(T).until(() -> systemd.isActive("b.service"));
        assertTrue(systemd.isActive("a.service"));
        assertFalse(systemd.calls().stream().anyMatch(c -> c.startsWith("stop")), systemd.calls().toString());
        assertEquals(1, systemd.starts("a.service"));
    }

    @Test
    void aCleanShutdownStopsUnloadsRemovesStatesAndDeregisters() {
        DefaultAgent agent = startAgent(registry());
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        String hb = engine.place(ME, "b.service", text("b"), DesiredState.LOADED);
        awaitPublished("a.service", ha, "active", "running");
        awaitPublished("b.service", hb, "inactive", "dead");
        systemd.clearCalls();

        agent.close();

        assertEquals(List.of("stop a.service", "unlink a.service,b.service", "reload"), systemd.calls());
        assertFalse(Files.exists(file("a.service")) || Files.exists(file("b.service")));
        assertEquals(List.of(), engine.registry.unitStates(ME).value());
        assertTrue(engine.registry.machines().value().isEmpty(), "deregistered at once");
    }

    @Test
    void loadedAndLaunchedFollowTheAssignment() {
        startAgent(registry());
        String h = engine.place(ME, "a.service", text("a"), DesiredState.LOADED);
        awaitPublished("a.service", h, "inactive", "dead");
        assertTrue(systemd.isLinked("a.service"));
        assertEquals(0, systemd.starts("a.service"));

        engine.assign(ME, "a.service", h, DesiredState.LAUNCHED);
        awaitPublished("a.service", h, "active", "running");

        engine.assign(ME, "a.service", h, DesiredState.LOADED);
        awaitPublished("a.service", h, "inactive", "dead");
        assertTrue(systemd.isLinked("a.service"), "a loaded unit stays installed");
        assertTrue(Files.exists(file("a.service")));
    }

    @Test
    void aChangedHashRestartsTheUnitWithTheNewText() {
        startAgent(registry());
        String h1 = engine.place(ME, "a.service", text("one"), DesiredState.LAUNCHED);
        awaitPublished("a.service", h1, "active", "running");
        systemd.clearCalls();

        String h2 = engine.place(ME, "a.service", text("two"), DesiredState.LAUNCHED);
        awaitPublished("a.service", h2, "active", "running");
        assertEquals(text("two"), systemd.startedText("a.service"));
        List<String> calls = systemd.calls();
        assertTrue(calls.indexOf("stop a.service") < calls.indexOf("reload")
                && calls.indexOf("reload") < calls.indexOf("start a.service"), "stop, rewrite, reload, start: " + calls);
    }

    @Test
    void anAssignmentAheadOfItsTextWaitsForTheEngine() {
        startAgent(registry());
        String h1 = engine.submit("a.service", text("one"), DesiredState.LAUNCHED);
        engine.assign(ME, "a.service", UnitDirectory.hash(text("two")), DesiredState.LAUNCHED);
        // barrier: another unit assigned later is running
        engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        await().atMost(T).until(() -> systemd.isActive("b.service"));
        assertFalse(Files.exists(file("a.service")), "a text the engine did not assign is not run");

        engine.assign(ME, "a.service", h1, DesiredState.LAUNCHED);
        awaitPublished("a.service", h1, "active", "running");
    }

    @Test
    void globalUnitsRunWhereTheyMatchAndYieldToARunningConflict() {
        startAgent(registry());
        String hApp = engine.place(ME, "app.service", text("app"), DesiredState.LAUNCHED);
        awaitPublished("app.service", hApp, "active", "running");

        String hMine = engine.submit("mine.service", text("g") + "[X-Fleet]\nGlobal=true\nMachineMetadata=az=a\n", DesiredState.LAUNCHED);
        engine.submit("other.service", text("g") + "[X-Fleet]\nGlobal=true\nMachineMetadata=az=b\n", DesiredState.LAUNCHED);
        engine.submit("off.service", text("g") + "[X-Fleet]\nGlobal=true\n", DesiredState.INACTIVE);
        // submitted last: once it is published, the agent has heard of the units that must not be here
        String hMon = engine.submit("mon.service", text("g") + "[X-Fleet]\nGlobal=true\nConflicts=app.service\n", DesiredState.LAUNCHED);

        awaitPublished("mine.service", hMine, "active", "running");
        awaitPublished("mon.service", hMon, "inactive", "dead");
        assertFalse(systemd.isActive("mon.service"), "never two conflicting units on one machine");
        assertTrue(systemd.isActive("app.service"));
        assertFalse(Files.exists(file("other.service")));
        assertFalse(Files.exists(file("off.service")));

        // desired state of a global unit follows the unit record
        engine.submit("mine.service", text("g") + "[X-Fleet]\nGlobal=true\nMachineMetadata=az=a\n", DesiredState.INACTIVE);
        await().atMost(T).until(() -> !Files.exists(file("mine.service")));
        assertFalse(systemd.isActive("mine.service"));
    }

    @Test
    void newMetadataIsAnnouncedAndGlobalUnitsFollowIt() {
        DefaultAgent agent = startAgent(registry());
        String h = engine.submit("b-only.service", text("g") + "[X-Fleet]\nGlobal=true\nMachineMetadata=az=b\n", DesiredState.LAUNCHED);
        engine.place(ME, "barrier.service", text("barrier"), DesiredState.LAUNCHED);
        await().atMost(T).until(() -> systemd.isActive("barrier.service"));
        assertFalse(Files.exists(file("b-only.service")));

        agent.updateMetadata(Map.of("az", "b"));
        assertEquals(Map.of("az", "b"), engine.registry.machines().value().get(0).metadata(), "announced on the same lease");
        awaitPublished("b-only.service", h, "active", "running");

        agent.updateMetadata(Map.of("az", "c"));
        await().atMost(T).until(() -> !Files.exists(file("b-only.service")));
        assertFalse(systemd.isActive("b-only.service"));
    }

    @Test
    void unitFilesOfAnEarlierRunAreAdoptedWhenTheLeaseIsResumed() throws Exception {
        // An earlier run registered with the same session and died; its lease still lives.
        Registry earlier = Registry.connect(config);
        earlier.register(agentConfig().machine(), LONG_TTL, "session-1", Duration.ZERO);
        earlier.close();
        Path dir = Files.createDirectories(tmp.resolve("units"));
        Files.writeString(dir.resolve("keep.service"), text("keep"));
        Files.writeString(dir.resolve("gone.service"), text("gone"));
        Files.writeString(dir.resolve("changed.service"), text("old"));
        Files.writeString(dir.resolve(".tmp-half.service"), "[Serv");
        systemd.linkRuntime(List.of(dir.resolve("keep.service"), dir.resolve("gone.service"), dir.resolve("changed.service")));
        systemd.start("keep.service");
        systemd.start("gone.service");
        systemd.start("changed.service");
        String hKeep = engine.place(ME, "keep.service", text("keep"), DesiredState.LAUNCHED);
        String hChanged = engine.place(ME, "changed.service", text("new"), DesiredState.LAUNCHED);
        systemd.clearCalls();

        DefaultAgent agent = startAgent(registry());
        assertTrue(agent.currentPresence().resumed());
        awaitPublished("changed.service", hChanged, "active", "running");
        awaitPublished("keep.service", hKeep, "active", "running");
        await().atMost(T).until(() -> !Files.exists(dir.resolve("gone.service")));
        assertFalse(systemd.isActive("gone.service"));
        assertEquals(text("new"), systemd.startedText("changed.service"));
        assertFalse(systemd.calls().contains("start keep.service"), "the running unit is adopted: " + systemd.calls());
        assertFalse(Files.exists(dir.resolve(".tmp-half.service")), "a half-written file of the earlier run is deleted");
    }

    @Test
    void unitFilesOfAnEarlierRunStillAssignedHereKeepRunningWhenTheLeaseIsNew() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("units"));
        Files.writeString(dir.resolve("old.service"), text("old"));
        Files.writeString(dir.resolve("moved.service"), text("moved"));
        systemd.linkRuntime(List.of(dir.resolve("old.service"), dir.resolve("moved.service")));
        systemd.start("old.service");
        systemd.start("moved.service");
        String h = engine.place(ME, "old.service", text("old"), DesiredState.LAUNCHED);
        systemd.clearCalls();

        DefaultAgent agent = startAgent(registry());
        assertFalse(agent.currentPresence().resumed());
        awaitPublished("old.service", h, "active", "running");
        await().atMost(T).until(() -> !Files.exists(dir.resolve("moved.service")));
        assertFalse(systemd.isActive("moved.service"), "a unit no longer assigned here is stopped");
        assertTrue(systemd.isActive("old.service"));
        assertFalse(systemd.calls().contains("stop old.service"), "still assigned here: adopted, " + systemd.calls());
        assertEquals(1, systemd.starts("old.service"));
    }
}
