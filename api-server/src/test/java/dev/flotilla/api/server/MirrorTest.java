package dev.flotilla.api.server;

import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon's mirrors of unit states and assignments, over a real etcd: answer as a read would, or not at all. */
@Tag("etcd")
class MirrorTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    private Registry registry;
    private Registry agent;
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("mirror-test", true);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dev.flotilla.registry.EtcdConfig config = etcd.newConfig();
        registry = Registry.connect(config);
        agent = Registry.connect(config); // as another daemon: its writes reach the mirror only by the watch
        scheduler.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        scheduler.stop();
        agent.close();
        registry.close();
    }

    private MachinePresence machine(char c) {
        MachinePresence p = agent.register(new Machine(String.valueOf(c).repeat(32), "10.0.0.1", Map.of(), "test"),
                Duration.ofSeconds(30), "s-" + c, Duration.ZERO);
        toClose.add(0, p);
        return p;
    }

    private static UnitState state(MachinePresence p, String unit, String active) {
        return new UnitState(p.machine().id(), unit, "h-" + unit, "loaded", active, active.equals("active") ? "running" : "dead");
    }

    private Mirror<UnitState> mirror(Duration idle) {
        Mirror<UnitState> m = Mirror.states(registry, scheduler, idle);
        toClose.add(0, m);
        return m;
    }

    /**
     * The mirror's answer, asking again while it gives up (on a busy machine the watch can take
     * longer than a read waits); every answer must be current, so the first one is checked.
     */
    private static <T> List<T> answer(Mirror<T> mirror, Set<String> only) {
        List<List<T>> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            mirror.read(only).ifPresent(got::add);
            return !got.isEmpty();
        });
        return got.get(0);
    }

    private static List<String> names(List<UnitState> states) {
        return states.stream().map(s -> s.unit() + "@" + s.machineId().charAt(0)).toList();
    }

    @Test
    void answersOnceListingAndThenEveryWriteAcknowledgedBeforeTheRead() throws Exception {
        MachinePresence a = machine('a');
        MachinePresence b = machine('b');
        agent.publishStates(b, List.of(state(b, "web.service", "active"), state(b, "api.service", "active")));
        agent.publishStates(a, List.of(state(a, "web.service", "failed")));
        Mirror<UnitState> mirror = mirror(Mirror.IDLE);

        assertFalse(mirror.running());
        assertEquals(List.of("api.service@b", "web.service@a", "web.service@b"), names(answer(mirror, Set.of())),
                "the first read starts the mirror and waits for its listing; sorted by unit, then machine, as listings are");

        // Written through another client, acknowledged, then read at once: the read waits for the
        // watch. It may give up (1 s; the caller then reads etcd), but what it answers is never stale.
        int answered = 0;
        for (int i = 0; i < 20; i++) {
            String unit = String.format("n%02d.service", i);
            agent.publishState(a, state(a, unit, "active"));
            Optional<List<UnitState>> seen = mirror.read(Set.of(unit));
            if (seen.isPresent()) {
                assertEquals(List.of(unit + "@a"), names(seen.get()), "a read after the write sees it");
                answered++;
            }
        }
        assertTrue(answered > 0, "the mirror answered none of 20 reads");
        agent.removeState(b, "web.service");
        assertEquals(List.of("web.service@a"), names(answer(mirror, Set.of("web.service"))), "a removal too");
        assertEquals("failed", answer(mirror, Set.of("web.service")).get(0).activeState());
        assertEquals(List.of(), answer(mirror, Set.of("nosuch.service")));

        a.close(); // the lease goes, and with it a's states
        assertEquals(List.of("api.service@b"), names(answer(mirror, Set.of())));
    }

    @Test
    void assignmentsAnswerWhereEachUnitIsPlaced() throws Exception {
        dev.flotilla.registry.LeaderElection election = registry.leaderElection("engine", Duration.ofSeconds(30));
        toClose.add(0, election);
        List<Long> fence = new java.util.concurrent.CopyOnWriteArrayList<>();
        election.start(l -> {
            if (l instanceof dev.flotilla.registry.LeaderElection.Leadership.Gained g) {
                fence.add(g.fencingRevision());
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> !fence.isEmpty());
        Mirror<dev.flotilla.model.Assignment> mirror = Mirror.assignments(registry, scheduler, Mirror.IDLE);
        toClose.add(0, mirror);
        assertEquals(List.of(), answer(mirror, Set.of()));

        String a = "a".repeat(32);
        String b = "b".repeat(32);
        assertTrue(agent.applyAssignments(fence.get(0), List.of(
                new dev.flotilla.registry.AssignmentChange.Assign(new dev.flotilla.model.Assignment(b, "web.service", "h1",
                        dev.flotilla.model.DesiredState.LAUNCHED)),
                new dev.flotilla.registry.AssignmentChange.Assign(new dev.flotilla.model.Assignment(a, "db.service", "h2",
                        dev.flotilla.model.DesiredState.LOADED)))));
        List<dev.flotilla.model.Assignment> web = answer(mirror, Set.of("web.service"));
        assertEquals(List.of(b), web.stream().map(dev.flotilla.model.Assignment::machineId).toList(), "read after the write");
        assertEquals(List.of("db.service", "web.service"),
                answer(mirror, Set.of()).stream().map(dev.flotilla.model.Assignment::unit).toList());
    }

    @Test
    void nobodyAskingItStopsAndLetsGo() throws Exception {
        MachinePresence a = machine('a');
        agent.publishStates(a, List.of(state(a, "web.service", "active")));
        Mirror<UnitState> mirror = mirror(Duration.ofMillis(300));
        mirror.read(Set.of());
        assertTrue(mirror.running());
        await().atMost(Duration.ofSeconds(20)).until(() -> !mirror.running());

        assertEquals(List.of("web.service@a"), names(answer(mirror, Set.of())), "asked again, it starts again");
        assertTrue(mirror.running());
    }

    @Test
    void closedItAnswersNothing() throws Exception {
        Mirror<UnitState> mirror = mirror(Mirror.IDLE);
        mirror.read(Set.of());
        mirror.close();
        assertFalse(mirror.running());
        assertEquals(Optional.empty(), mirror.read(Set.of()));
    }
}
