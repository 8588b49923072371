package dev.flotilla.agent;

import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.ConnectionState;
import dev.flotilla.registry.InMemoryCluster;
import dev.flotilla.registry.InMemoryRegistry;
import dev.flotilla.registry.Lanes;
import dev.flotilla.registry.MachinePresence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.flotilla.agent.AgentHarness.ME;
import static dev.flotilla.agent.AgentHarness.T;
import static dev.flotilla.agent.AgentHarness.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's loop, its logic: on the in-memory cluster (etcd's semantics; leases run out only when
 * the test moves the {@link dev.flotilla.registry.ManualClock}, partitions are
 * {@link InMemoryRegistry#disconnect()}) and a systemd of plain values ({@link FakeSystemd}); no etcd.
 * What etcd itself does (a lease kept across etcd's restart, a revoke on the server) is in
 * {@link AgentLoopEtcdTest}.
 */
class AgentLoopTest {
    /** flotd's default; it runs out only when a test advances the clock. */
    static final Duration TTL = Duration.ofSeconds(5);

    private final InMemoryCluster cluster = InMemoryCluster.create();
    @TempDir
    Path tmp;

    private AgentHarness h;
    private TestEngine engine;
    private FakeSystemd systemd;

    /** Where the agents' lanes run; {@link AgentLoopOnSharedLanesTest} runs every test on a shared pool. */
    Lanes lanes() {
        return Lanes.dedicated();
    }

    @BeforeEach
    void setUp() {
        h = new AgentHarness(cluster.connect(), tmp);
        h.lanes = lanes();
        engine = h.engine;
        systemd = h.systemd;
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
        cluster.close();
        h.lanes.close();
    }

    /** One daemon's connection to the cluster (closed with it). */
    private InMemoryRegistry client() {
        return cluster.connect();
    }

    private DefaultAgent startAgent() {
        return h.startAgent(client(), h.agentConfig(TTL));
    }

    @Test
    void anAssignedUnitRunsIsPublishedAndIsRemovedWhenUnassigned() throws Exception {
        startAgent();
        String hash = engine.place(ME, "web.service", text("web"), DesiredState.LAUNCHED);

        await().atMost(T).until(() -> systemd.isActive("web.service"));
        assertEquals(text("web"), Files.readString(h.file("web.service")));
        assertEquals(text("web"), systemd.startedText("web.service"));
        h.awaitPublished("web.service", hash, "active", "running");
        assertEquals("loaded", h.published("web.service").orElseThrow().loadState());
        assertEquals(0, systemd.reloads(), "a new unit needs no daemon-reload");

        engine.unassign(ME, "web.service");
        await().atMost(T).until(() -> h.published("web.service").isEmpty());
        assertFalse(systemd.isActive("web.service"));
        assertFalse(systemd.isLinked("web.service"));
        assertFalse(Files.exists(h.file("web.service")));
        List<String> calls = systemd.calls();
        assertTrue(calls.indexOf("stop web.service") < calls.indexOf("unlink web.service"), calls.toString());
        assertEquals("reload", calls.get(calls.size() - 1), calls.toString());
    }

    @Test
    void statesArePublishedOnlyWhenTheyChange() {
        AgentHarness.StateWrites writes = h.countStateWrites();
        startAgent();
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        h.awaitPublished("a.service", ha, "active", "running");
        writes.awaitSeen("a.service", "active");
        int afterStart = writes.count("a.service");
        assertEquals(1, afterStart, "started: active, once");

        // systemd repeats the same state: nothing is written
        systemd.startedByOthers("a.service");
        // a real change of another unit, published after the repeat
        String hb = engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        h.awaitPublished("b.service", hb, "active", "running");
        writes.awaitSeen("b.service", "active");
        assertEquals(afterStart, writes.count("a.service"), "an unchanged state is not written again");

        // the process exits: one write, and the agent does not start it again
        systemd.exit("a.service");
        h.awaitPublished("a.service", ha, "inactive", "dead");
        writes.awaitSeen("a.service", "inactive");
        assertEquals(afterStart + 1, writes.count("a.service"));
        assertEquals(1, systemd.starts("a.service"), "a unit that exited is not started again by the agent");
    }

    @Test
    void aUnitSlowToStartIsPublishedOnceWhenActiveNotFirstAsInactive() {
        // The state event comes well after the publisher's gathering delay: the state read before the
        // start (loaded, inactive) must not be published in between.
        systemd.slowStarts(Duration.ofMillis(400));
        AgentHarness.StateWrites writes = h.countStateWrites();
        startAgent();
        String hash = engine.place(ME, "slow.service", text("slow"), DesiredState.LAUNCHED);
        h.awaitPublished("slow.service", hash, "active", "running");
        writes.awaitSeen("slow.service", "active");
        assertEquals(1, writes.count("slow.service"), "one state write: active");

        // A unit placed loaded (not started) is published as systemd reports it, inactive.
        String hl = engine.place(ME, "idle.service", text("idle"), DesiredState.LOADED);
        h.awaitPublished("idle.service", hl, "inactive", "dead");
    }

    @Test
    void aRestartedDaemonThatResumesItsLeaseRewritesNothing() {
        InMemoryRegistry first = client();
        DefaultAgent before = h.startAgent(first, h.agentConfig(TTL));
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        String hb = engine.place(ME, "b.service", text("b"), DesiredState.LOADED);
        h.awaitPublished("a.service", ha, "active", "running");
        h.awaitPublished("b.service", hb, "inactive", "dead");
        long lease = before.currentPresence().leaseId();

        before.halt(); // crash: no unit touched, no deregistration
        first.close(); // keep-alives stop; the lease lives out its TTL (the clock stands still)
        AgentHarness.StateWrites writes = h.countStateWrites();
        systemd.clearCalls();

        DefaultAgent after = startAgent();
        assertTrue(after.currentPresence().resumed());
        assertEquals(lease, after.currentPresence().leaseId());
        String hc = engine.place(ME, "c.service", text("c"), DesiredState.LAUNCHED);
        h.awaitPublished("c.service", hc, "active", "running");
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
        InMemoryRegistry client = client();
        DefaultAgent agent = h.startAgent(client, h.agentConfig(TTL));
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        String hb = engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        h.awaitPublished("a.service", ha, "active", "running");
        h.awaitPublished("b.service", hb, "active", "running");
        MachinePresence old = agent.currentPresence();
        systemd.clearCalls();

        // A partition longer than the TTL: the lease runs out on the cluster ...
        client.disconnect();
        cluster.advance(TTL);
        await().atMost(T).until(() -> agent.presenceState() == ConnectionState.LOST);
        assertTrue(systemd.isActive("a.service") && systemd.isActive("b.service"), "losing the lease does not stop units");
        // ... and the engine moves a.service away meanwhile; b.service stays assigned here.
        engine.unassign(ME, "a.service");
        client.reconnect();

        await().atMost(T).until(() -> agent.currentPresence() != old && agent.presenceState() == ConnectionState.CONNECTED);
        assertFalse(agent.currentPresence().resumed());
        await().atMost(T).until(() -> !systemd.isActive("a.service") && !Files.exists(h.file("a.service")));
        // The states died with the old lease: the new one publishes them again.
        h.awaitPublished("b.service", hb, "active", "running");

        // What is still assigned here runs nowhere else: it was never stopped.
        assertTrue(systemd.isActive("b.service"));
        assertEquals(1, systemd.starts("b.service"), systemd.calls().toString());
        assertFalse(systemd.calls().contains("stop b.service"), systemd.calls().toString());
    }

    @Test
    void aCutShorterThanTheTtlStopsNothingAndCatchesUpWhenItEnds() {
        InMemoryRegistry client = client();
        DefaultAgent agent = h.startAgent(client, h.agentConfig(TTL));
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        h.awaitPublished("a.service", ha, "active", "running");
        MachinePresence registration = agent.currentPresence();
        systemd.clearCalls();

        client.disconnect();
        await().atMost(T).until(() -> agent.presenceState() == ConnectionState.SUSPENDED);
        cluster.advance(TTL.minusMillis(1));
        // During the cut: the process exits (its state cannot be published), a unit is assigned (unheard).
        systemd.exit("a.service");
        String hb = engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        client.reconnect();

        h.awaitPublished("b.service", hb, "active", "running");
        h.awaitPublished("a.service", ha, "inactive", "dead");
        assertSame(registration, agent.currentPresence(), "the same registration: the cluster never saw the machine leave");
        assertEquals(ConnectionState.CONNECTED, agent.presenceState());
        List<String> calls = systemd.calls();
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("stop")), calls.toString());
        assertEquals(1, systemd.starts("a.service"), "an exited unit is not started again: " + calls);
    }

    @Test
    void aCleanShutdownStopsUnloadsRemovesStatesAndDeregisters() {
        DefaultAgent agent = startAgent();
        String ha = engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        String hb = engine.place(ME, "b.service", text("b"), DesiredState.LOADED);
        h.awaitPublished("a.service", ha, "active", "running");
        h.awaitPublished("b.service", hb, "inactive", "dead");
        systemd.clearCalls();

        agent.close();

        assertEquals(List.of("stop a.service", "unlink a.service,b.service", "reload"), systemd.calls());
        assertFalse(Files.exists(h.file("a.service")) || Files.exists(h.file("b.service")));
        assertEquals(List.of(), engine.registry.unitStates(ME).value());
        assertTrue(engine.registry.machines().value().isEmpty(), "deregistered at once");
    }

    @Test
    void loadedAndLaunchedFollowTheAssignment() {
        startAgent();
        String hash = engine.place(ME, "a.service", text("a"), DesiredState.LOADED);
        h.awaitPublished("a.service", hash, "inactive", "dead");
        assertTrue(systemd.isLinked("a.service"));
        assertEquals(0, systemd.starts("a.service"));

        engine.assign(ME, "a.service", hash, DesiredState.LAUNCHED);
        h.awaitPublished("a.service", hash, "active", "running");

        engine.assign(ME, "a.service", hash, DesiredState.LOADED);
        h.awaitPublished("a.service", hash, "inactive", "dead");
        assertTrue(systemd.isLinked("a.service"), "a loaded unit stays installed");
        assertTrue(Files.exists(h.file("a.service")));
    }

    @Test
    void aChangedHashRestartsTheUnitWithTheNewText() {
        startAgent();
        String h1 = engine.place(ME, "a.service", text("one"), DesiredState.LAUNCHED);
        h.awaitPublished("a.service", h1, "active", "running");
        systemd.clearCalls();

        String h2 = engine.place(ME, "a.service", text("two"), DesiredState.LAUNCHED);
        h.awaitPublished("a.service", h2, "active", "running");
        assertEquals(text("two"), systemd.startedText("a.service"));
        List<String> calls = systemd.calls();
        assertTrue(calls.indexOf("stop a.service") < calls.indexOf("reload")
                && calls.indexOf("reload") < calls.indexOf("start a.service"), "stop, rewrite, reload, start: " + calls);
    }

    @Test
    void manyTextsArriveInOneReadOfTheirNamesNotAListingOfEveryUnit() {
        for (int i = 0; i < 40; i++) {
            engine.submit("elsewhere-" + i + ".service", text("elsewhere " + i), DesiredState.LAUNCHED);
        }
        List<dev.flotilla.registry.AssignmentChange> changes = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String hash = engine.submit("mine-" + i + ".service", text("mine " + i), DesiredState.LAUNCHED);
            changes.add(new dev.flotilla.registry.AssignmentChange.Assign(
                    new dev.flotilla.model.Assignment(ME, "mine-" + i + ".service", hash, DesiredState.LAUNCHED)));
        }
        engine.apply(changes);
        Map<String, Integer> reads = new java.util.concurrent.ConcurrentHashMap<>();
        InMemoryRegistry real = client();
        dev.flotilla.registry.Registry counted = (dev.flotilla.registry.Registry) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {dev.flotilla.registry.Registry.class}, (proxy, method, args) -> {
                    if (method.getName().equals("units") || method.getName().equals("unit") || method.getName().equals("namedUnits")) {
                        reads.merge(method.getName(), args == null ? 0 : args[0] instanceof java.util.Collection<?> c ? c.size() : 1,
                                Integer::sum);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        h.startAgent(counted, h.agentConfig(TTL));

        await().atMost(T).until(() -> java.util.stream.IntStream.range(0, 30).allMatch(i -> systemd.isActive("mine-" + i + ".service")));
        assertEquals(Map.of("namedUnits", 30), reads, "the 30 texts read by name, each once; no listing of all 70 units");
    }

    @Test
    void anAssignmentAheadOfItsTextWaitsForTheEngine() {
        startAgent();
        String h1 = engine.submit("a.service", text("one"), DesiredState.LAUNCHED);
        engine.assign(ME, "a.service", UnitFile.hashOf(text("two")), DesiredState.LAUNCHED);
        // barrier: another unit assigned later is running
        engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        await().atMost(T).until(() -> systemd.isActive("b.service"));
        assertFalse(Files.exists(h.file("a.service")), "a text the engine did not assign is not run");

        engine.assign(ME, "a.service", h1, DesiredState.LAUNCHED);
        h.awaitPublished("a.service", h1, "active", "running");
    }

    @Test
    void globalUnitsRunWhereTheyMatchAndYieldToARunningConflict() {
        startAgent();
        String hApp = engine.place(ME, "app.service", text("app"), DesiredState.LAUNCHED);
        h.awaitPublished("app.service", hApp, "active", "running");

        String hMine = engine.submit("mine.service", text("g") + "[X-Fleet]\nGlobal=true\nMachineMetadata=az=a\n", DesiredState.LAUNCHED);
        engine.submit("other.service", text("g") + "[X-Fleet]\nGlobal=true\nMachineMetadata=az=b\n", DesiredState.LAUNCHED);
        engine.submit("off.service", text("g") + "[X-Fleet]\nGlobal=true\n", DesiredState.INACTIVE);
        // submitted last: once it is published, the agent has heard of the units that must not be here
        String hMon = engine.submit("mon.service", text("g") + "[X-Fleet]\nGlobal=true\nConflicts=app.service\n", DesiredState.LAUNCHED);

        h.awaitPublished("mine.service", hMine, "active", "running");
        h.awaitPublished("mon.service", hMon, "inactive", "dead");
        assertFalse(systemd.isActive("mon.service"), "never two conflicting units on one machine");
        assertTrue(systemd.isActive("app.service"));
        assertFalse(Files.exists(h.file("other.service")));
        assertFalse(Files.exists(h.file("off.service")));

        // desired state of a global unit follows the unit record
        engine.submit("mine.service", text("g") + "[X-Fleet]\nGlobal=true\nMachineMetadata=az=a\n", DesiredState.INACTIVE);
        await().atMost(T).until(() -> !Files.exists(h.file("mine.service")));
        assertFalse(systemd.isActive("mine.service"));
    }

    @Test
    void newMetadataIsAnnouncedAndGlobalUnitsFollowIt() {
        DefaultAgent agent = startAgent();
        String hash = engine.submit("b-only.service", text("g") + "[X-Fleet]\nGlobal=true\nMachineMetadata=az=b\n", DesiredState.LAUNCHED);
        engine.place(ME, "barrier.service", text("barrier"), DesiredState.LAUNCHED);
        await().atMost(T).until(() -> systemd.isActive("barrier.service"));
        assertFalse(Files.exists(h.file("b-only.service")));

        agent.updateMetadata(Map.of("az", "b"));
        assertEquals(Map.of("az", "b"), engine.registry.machines().value().get(0).metadata(), "announced on the same lease");
        h.awaitPublished("b-only.service", hash, "active", "running");

        agent.updateMetadata(Map.of("az", "c"));
        await().atMost(T).until(() -> !Files.exists(h.file("b-only.service")));
        assertFalse(systemd.isActive("b-only.service"));
    }

    @Test
    void unitFilesOfAnEarlierRunAreAdoptedWhenTheLeaseIsResumed() throws Exception {
        // An earlier run registered with the same session and died; its lease still lives.
        InMemoryRegistry earlier = cluster.connect();
        earlier.register(h.agentConfig(TTL).machine(), TTL, "session-1", Duration.ZERO);
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

        DefaultAgent agent = startAgent();
        assertTrue(agent.currentPresence().resumed());
        h.awaitPublished("changed.service", hChanged, "active", "running");
        h.awaitPublished("keep.service", hKeep, "active", "running");
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
        String hash = engine.place(ME, "old.service", text("old"), DesiredState.LAUNCHED);
        systemd.clearCalls();

        DefaultAgent agent = startAgent();
        assertFalse(agent.currentPresence().resumed());
        h.awaitPublished("old.service", hash, "active", "running");
        await().atMost(T).until(() -> !Files.exists(dir.resolve("moved.service")));
        assertFalse(systemd.isActive("moved.service"), "a unit no longer assigned here is stopped");
        assertTrue(systemd.isActive("old.service"));
        assertFalse(systemd.calls().contains("stop old.service"), "still assigned here: adopted, " + systemd.calls());
        assertEquals(1, systemd.starts("old.service"));
    }
}
