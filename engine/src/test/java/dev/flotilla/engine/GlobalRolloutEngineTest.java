package dev.flotilla.engine;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.Rollout;
import dev.flotilla.model.RolloutSettings;
import dev.flotilla.model.RolloutUnit;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole engine (planner and rollout driver on one thread, fed by etcd's separate watches) rolls
 * a global unit over a real etcd while the test plays three agents as DesiredSets decides: the
 * planner leaves the pins alone, every machine changes exactly once, none is left pinned.
 */
@Tag("etcd")
class GlobalRolloutEngineTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    private static final String OLD = "[Service]\nExecStart=/bin/sleep 1000\n[X-Fleet]\nGlobal=true\n";
    private static final String NEW = "[Service]\nExecStart=/bin/sleep 2000\n[X-Fleet]\nGlobal=true\n";
    private static final String G = "g.service";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EtcdConfig config = etcd.newConfig();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    private static String hash(String text) {
        return dev.flotilla.unitfile.UnitFile.hashOf(text);
    }

    @Test
    void theEngineRollsAGlobalMachineByMachineAndThePlannerKeepsThePins() {
        Registry r = closeLater(Registry.connect(config));
        Map<String, MachinePresence> agents = new LinkedHashMap<>();
        Map<String, List<String>> ran = new LinkedHashMap<>();
        for (char c : new char[]{'a', 'b', 'c'}) {
            String id = String.valueOf(c).repeat(32);
            agents.put(id, closeLater(r.register(new Machine(id, "127.0.0.1", Map.of(), "t"), Duration.ofSeconds(30), id, Duration.ZERO)));
            ran.put(id, new ArrayList<>());
        }
        r.createUnit(new UnitRecord(G, OLD, hash(OLD), DesiredState.LAUNCHED));
        closeLater(Engine.start(r, r.leaderElection("engine-1", Duration.ofSeconds(2)),
                new EngineOptions(Duration.ofSeconds(60), Duration.ZERO, Duration.ofMillis(5))));
        List<RolloutUnit> steps = agents.keySet().stream().map(m -> RolloutUnit.pendingOn(m, G, hash(OLD), hash(NEW))).toList();
        r.createRollout(new Rollout("g1", steps, Map.of(hash(OLD), OLD, hash(NEW), NEW),
                new RolloutSettings(1, Duration.ofMillis(300), Duration.ofMinutes(1), false),
                Rollout.Phase.RUNNING, Rollout.Request.NONE, "", System.currentTimeMillis(), System.currentTimeMillis()));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            follow(r, agents, ran);
            return r.rollout("g1").orElseThrow().value().phase().ended();
        });
        Rollout done = r.rollout("g1").orElseThrow().value();
        assertEquals(Rollout.Phase.SUCCEEDED, done.phase(), done.reason());
        follow(r, agents, ran);
        ran.forEach((m, h) -> assertEquals(List.of(hash(OLD), hash(NEW)), h, "changed exactly once: " + m));
        await().atMost(Duration.ofSeconds(10)).until(() -> r.assignments().value().stream().noneMatch(a -> a.unit().equals(G)));
        assertEquals(hash(NEW), r.globalUnits().value().get(0).hash());
    }

    /** Each agent runs its pin's hash if the record has that text (else holds), or the global's index. */
    private static void follow(Registry r, Map<String, MachinePresence> agents, Map<String, List<String>> ran) {
        UnitRecord record = r.unit(G).orElseThrow().value();
        String index = r.globalUnits().value().get(0).hash();
        List<Assignment> all = r.assignments().value();
        for (Map.Entry<String, MachinePresence> e : agents.entrySet()) {
            String m = e.getKey();
            Optional<Assignment> pin = all.stream().filter(a -> a.unit().equals(G) && a.machineId().equals(m)).findFirst();
            List<String> h = ran.get(m);
            String runs = pin.isEmpty() ? index : pin.get().hash().equals(record.hash()) ? pin.get().hash() : h.get(h.size() - 1);
            if (h.isEmpty() || !h.get(h.size() - 1).equals(runs)) {
                h.add(runs);
                r.publishState(e.getValue(), new UnitState(m, G, runs, "loaded", "active", "running", 0, 0, 0));
            }
        }
    }
}
