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

/** The daemon's mirror of unit states, over a real etcd: answers as a read would, or not at all. */
@Tag("etcd")
class StateMirrorTest {
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

    private StateMirror mirror(Duration idle) {
        StateMirror m = new StateMirror(registry, scheduler, idle);
        toClose.add(0, m);
        return m;
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
        StateMirror mirror = mirror(StateMirror.IDLE);

        assertEquals(Optional.empty(), mirror.read(Set.of()), "the first read starts the mirror and goes to etcd");
        await().atMost(Duration.ofSeconds(20)).until(() -> mirror.read(Set.of()).isPresent());
        assertEquals(List.of("api.service@b", "web.service@a", "web.service@b"), names(mirror.read(Set.of()).orElseThrow()),
                "sorted by unit, then machine, as listings are");

        // Written through another client, acknowledged, then read at once: the read waits for the watch.
        for (int i = 0; i < 20; i++) {
            String unit = String.format("n%02d.service", i);
            agent.publishState(a, state(a, unit, "active"));
            List<UnitState> seen = mirror.read(Set.of(unit)).orElseThrow();
            assertEquals(List.of(unit + "@a"), names(seen), "a read after the write sees it");
        }
        agent.removeState(b, "web.service");
        assertEquals(List.of("web.service@a"), names(mirror.read(Set.of("web.service")).orElseThrow()), "a removal too");
        assertEquals("failed", mirror.read(Set.of("web.service")).orElseThrow().get(0).activeState());
        assertEquals(List.of(), mirror.read(Set.of("nosuch.service")).orElseThrow());

        a.close(); // the lease goes, and with it a's states
        assertEquals(List.of("api.service@b"), names(mirror.read(Set.of()).orElseThrow()));
    }

    @Test
    void nobodyAskingItStopsAndLetsGo() throws Exception {
        MachinePresence a = machine('a');
        agent.publishStates(a, List.of(state(a, "web.service", "active")));
        StateMirror mirror = mirror(Duration.ofMillis(300));
        mirror.read(Set.of());
        assertTrue(mirror.running());
        await().atMost(Duration.ofSeconds(20)).until(() -> !mirror.running());

        assertEquals(Optional.empty(), mirror.read(Set.of()), "asked again, it starts again");
        await().atMost(Duration.ofSeconds(20)).until(() -> mirror.read(Set.of()).isPresent());
        assertEquals(List.of("web.service@a"), names(mirror.read(Set.of()).orElseThrow()));
    }

    @Test
    void closedItAnswersNothing() throws Exception {
        StateMirror mirror = mirror(StateMirror.IDLE);
        mirror.read(Set.of());
        mirror.close();
        assertFalse(mirror.running());
        assertEquals(Optional.empty(), mirror.read(Set.of()));
    }
}
