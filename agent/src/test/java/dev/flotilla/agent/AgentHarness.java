package dev.flotilla.agent;

import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.Lanes;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Subscription;
import dev.flotilla.registry.WatchEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * What the agent's loop tests share, whichever registry they run on (the in-memory cluster in
 * {@link AgentLoopTest}, a real etcd in {@link AgentLoopEtcdTest}): the machine, a {@link TestEngine}
 * writing assignments, a {@link FakeSystemd}, and views of what the agent published.
 */
final class AgentHarness implements AutoCloseable {
    static final String ME = "a".repeat(32);
    /** Bound of every wait for the agent: generous, the box is shared. */
    static final Duration T = Duration.ofSeconds(15);

    final TestEngine engine;
    final FakeSystemd systemd = new FakeSystemd();
    private final Path tmp;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    /** Where the agents' lanes run: a thread each, as flotd (default), or a shared pool. */
    Lanes lanes = Lanes.dedicated();

    /** @param engineRegistry the engine's own client, closed with the harness */
    AgentHarness(Registry engineRegistry, Path tmp) {
        this.engine = new TestEngine(engineRegistry);
        this.tmp = tmp;
    }

    static String text(String tag) {
        return "[Service]\nExecStart=/bin/sleep 1000\n# " + tag + "\n";
    }

    AgentConfig agentConfig(Duration ttl) {
        return AgentConfig.of(new Machine(ME, "127.0.0.70", Map.of("az", "a"), "test"), ttl, "session-1", tmp.resolve("units"))
                .withRegisterRetry(Duration.ofMillis(200)).withLanes(lanes);
    }

    /** Closed with the harness, in reverse order (agents before their registries). */
    <C extends AutoCloseable> C closeLater(C closeable) {
        toClose.add(closeable);
        return closeable;
    }

    DefaultAgent startAgent(Registry registry, AgentConfig agentConfig) {
        DefaultAgent agent = closeLater((DefaultAgent) Agent.create(agentConfig, registry, systemd));
        agent.start();
        return agent;
    }

    Path file(String unit) {
        return tmp.resolve("units").resolve(unit);
    }

    Optional<UnitState> published(String unit) {
        return engine.registry.unitStates(ME).value().stream().filter(s -> s.unit().equals(unit)).findFirst();
    }

    void awaitPublished(String unit, String hash, String active, String sub) {
        await().atMost(T).until(() -> published(unit)
                .filter(s -> s.hash().equals(hash) && s.activeState().equals(active) && s.subState().equals(sub)).isPresent());
    }

    /** Counts the state writes per unit of this machine, as the registry's watch delivers them, from now on. */
    StateWrites countStateWrites() {
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
        closeLater(s);
        // count from a known point: writes before the watch's first listing would be missed
        await().atMost(T).until(() -> writes.listed);
        return writes;
    }

    /** Counts the state writes per unit of this machine. */
    static final class StateWrites {
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

    @Override
    public void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        engine.close();
        systemd.close();
    }
}
