package dev.flotilla.agent;

import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.InMemoryCluster;
import dev.flotilla.registry.Subscription;
import dev.flotilla.registry.WatchEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.flotilla.agent.AgentHarness.ME;
import static dev.flotilla.agent.AgentHarness.T;
import static dev.flotilla.agent.AgentHarness.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start marker, in memory: a published state answers the revision of the assignment the agent
 * acted on, a rewritten assignment that changes nothing in systemd is answered too, and answering
 * costs no write while nothing changes.
 */
class AgentAnswersTest {
    private final InMemoryCluster cluster = InMemoryCluster.create();
    @TempDir
    Path tmp;
    private AgentHarness h;
    /** The modification revision of each of this machine's assignments, as the registry's watch tells it. */
    private final Map<String, Long> assignmentRevisions = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        h = new AgentHarness(cluster.connect(), tmp);
        Subscription s = h.engine.registry.watchAssignments(ME, e -> {
            if (e instanceof WatchEvent.Snapshot<?> snap) {
                snap.items().keySet().forEach(k -> assignmentRevisions.put(k, snap.modRevision(k)));
            } else if (e instanceof WatchEvent.Updated<?> u) {
                assignmentRevisions.put(u.key(), u.revision());
            }
        });
        h.closeLater(s);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
        cluster.close();
    }

    private UnitState awaitAnswer(String unit, long revision) {
        await().atMost(T).until(() -> h.published(unit).filter(s -> s.answers() >= revision).isPresent());
        return h.published(unit).orElseThrow();
    }

    @Test
    void aStateAnswersTheAssignmentItFollowsAndARewriteThatChangesNothingIsAnsweredOnce() {
        h.startAgent(cluster.connect(), h.agentConfig(Duration.ofSeconds(5)));
        String hash = h.engine.place(ME, "web.service", text("web"), DesiredState.LAUNCHED);
        await().atMost(T).until(() -> assignmentRevisions.containsKey("web.service"));
        long first = assignmentRevisions.get("web.service");
        UnitState s = awaitAnswer("web.service", first);
        assertEquals(first, s.answers(), "the assignment's own modification revision");
        assertEquals("active", s.activeState());
        assertEquals(hash, s.hash());

        AgentHarness.StateWrites writes = h.countStateWrites();
        // the engine writes the same assignment again: nothing to do in systemd, but a new change to answer
        h.engine.assign(ME, "web.service", hash, DesiredState.LAUNCHED);
        await().atMost(T).until(() -> assignmentRevisions.get("web.service") > first);
        long second = assignmentRevisions.get("web.service");
        UnitState again = awaitAnswer("web.service", second);
        assertEquals(second, again.answers());
        assertEquals("active", again.activeState(), "the systemd state stays as it was");
        await().atMost(T).until(() -> writes.count("web.service") == 1);
        assertEquals(1, h.systemd.starts("web.service"), "answered without a second start");
    }

    @Test
    void resyncsReadInBulkAndReListingsWriteNothing() {
        // a resync every 100 ms re-reads every state in bulk (which knows no state change time)
        h.startAgent(cluster.connect(), h.agentConfig(Duration.ofSeconds(5)).withResyncInterval(Duration.ofMillis(100)));
        h.engine.place(ME, "web.service", text("web"), DesiredState.LAUNCHED);
        await().atMost(T).until(() -> assignmentRevisions.containsKey("web.service"));
        UnitState answered = awaitAnswer("web.service", assignmentRevisions.get("web.service"));
        assertTrue(answered.sinceMicros() > 0, "the time the signal told: " + answered);
        AgentHarness.StateWrites writes = h.countStateWrites();
        int reads = h.systemd.bulkReads();
        await().atMost(T).until(() -> h.systemd.bulkReads() >= reads + 5);
        assertEquals(0, writes.count("web.service"), "five bulk re-reads, nothing changed, nothing written");
        assertEquals(answered, h.published("web.service").orElseThrow());
    }

    @Test
    void aStopIsAnsweredWithTheStateAfterIt() {
        h.startAgent(cluster.connect(), h.agentConfig(Duration.ofSeconds(5)));
        String hash = h.engine.place(ME, "web.service", text("web"), DesiredState.LAUNCHED);
        await().atMost(T).until(() -> h.published("web.service").filter(s -> s.activeState().equals("active")).isPresent());
        long launched = h.published("web.service").orElseThrow().answers();
        h.engine.assign(ME, "web.service", hash, DesiredState.LOADED);
        await().atMost(T).until(() -> assignmentRevisions.get("web.service") > launched);
        long loaded = assignmentRevisions.get("web.service");
        UnitState s = awaitAnswer("web.service", loaded);
        assertEquals("inactive", s.activeState(), "never the active state from before the stop with the new answer");
    }

    @Test
    void aNewAnswerShowingActiveWaitsUntilTheUnitStayedActiveForTheSettleTime() {
        UnitState before = new UnitState(ME, "a.service", "h", "loaded", "inactive", "dead", 5, 0, 1);
        UnitState active = new UnitState(ME, "a.service", "h", "loaded", "active", "running", 9, 0, 2);
        assertEquals(StatePublisher.SETTLE_MS - 50, StatePublisher.settleWait(active, before, 50));
        assertEquals(0, StatePublisher.settleWait(active, before, StatePublisher.SETTLE_MS), "stayed active long enough");
        assertEquals(0, StatePublisher.settleWait(active, before, Long.MAX_VALUE), "read in bulk: long active");
        UnitState failed = new UnitState(ME, "a.service", "h", "loaded", "failed", "failed", 9, 0, 3);
        assertEquals(0, StatePublisher.settleWait(failed, before, 1), "a failure is answered at once");
        UnitState sameAnswer = new UnitState(ME, "a.service", "h", "loaded", "active", "running", 5, 0, 2);
        assertEquals(0, StatePublisher.settleWait(sameAnswer, before, 1), "no new answer: nothing to settle");
        assertTrue(StatePublisher.settleWait(active, null, 0) > 0, "a first state answering a start settles too");
    }
}
