package dev.flotilla.bench;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.AgentConfig;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.Lanes;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Real {@link Agent}s, one per simulated machine, each with its own {@link InstantSystemd} and unit
 * folder, all in this JVM. Each agent has what flotd gives it: its own presence lease, its own watch
 * of its assignments and of the global units, its own state publisher. What differs from a real
 * cluster is only the transport: the agents share {@link #CONNECTIONS} etcd client connections (a
 * thousand gRPC channels in one JVM would measure the JVM, not Flotilla), so etcd sees the same keys,
 * leases and watches over fewer TCP connections.
 *
 * <p>The agents' serial work (each agent's loop, publisher, presence, metadata retries, and each of
 * its watches) runs as lanes over one shared pool of {@link #laneThreads()} threads rather than a
 * thread each, as flotd has: 5,000 agents would be some 30,000 threads on the benchmark's cores,
 * and the lease keep-alives (a thread per connection, never a lane) would starve among them.
 *
 * <p>One machine can be given a connection of its own, so that closing it plays that machine's death
 * (keep-alives stop, the lease runs out) without touching the others.
 */
final class SimulatedAgents implements AutoCloseable {
    static final int CONNECTIONS = 8;
    private static final int EVENT_THREADS = 4;

    private final List<Registry> connections = new ArrayList<>();
    private final List<Agent> agents = new ArrayList<>();
    private final List<InstantSystemd> systemds = new ArrayList<>();
    private final ExecutorService[] events = new ExecutorService[EVENT_THREADS];
    private final int loner;
    private final Lanes lanes = Lanes.shared(laneThreads());
    private Registry lonerConnection;

    /**
     * The shared pool's size: {@code -Dbench.laneThreads=N}, else 8 per core. Blocking work
     * (registrations, state writes, listings) holds a worker while etcd answers, so a pool of the
     * cores alone would serialise the agents on etcd's latency; far more only adds threads.
     */
    static int laneThreads() {
        return Integer.getInteger("bench.laneThreads", 8 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param loner    index of the machine that gets a connection of its own (-1: none)
     * @param observed index of the machine whose watch events {@code counting} counts (-1: none)
     */
    SimulatedAgents(String etcdUrl, int machines, Duration ttl, Path unitDirs, int loner, int observed, CountingWatches counting)
            throws Exception {
        this.loner = loner;
        for (int i = 0; i < EVENT_THREADS; i++) {
            int n = i;
            events[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "instant-systemd-" + n);
                t.setDaemon(true);
                return t;
            });
        }
        for (int i = 0; i < CONNECTIONS; i++) {
            connections.add(Registry.connect(EtcdConfig.of(etcdUrl).withLanes(lanes)));
        }
        for (int i = 0; i < machines; i++) {
            Registry registry;
            if (i == loner) {
                lonerConnection = Registry.connect(EtcdConfig.of(etcdUrl).withLanes(lanes));
                registry = lonerConnection;
            } else {
                registry = connections.get(i % CONNECTIONS);
            }
            if (i == observed) {
                registry = counting.wrap(registry);
            }
            InstantSystemd systemd = new InstantSystemd(events[i % EVENT_THREADS]);
            Machine machine = new Machine(SimulatedCluster.machineId(i), "127.0.0.1", SimulatedCluster.metadata(i), "bench");
            systemds.add(systemd);
            agents.add(Agent.create(AgentConfig.of(machine, ttl, "bench-" + i, unitDirs.resolve("m" + i)).withLanes(lanes),
                    registry, systemd));
        }
        // flotd starts its agent before anything else; here many start at once, as a booting cluster would.
        ExecutorService starters = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (Agent a : agents) {
                started.add(starters.submit(a::start));
            }
            for (Future<?> f : started) {
                f.get();
            }
        } catch (Exception e) {
            // Agents that did start would go on running (threads, leases) through the parts after
            // this one, as in a sweep: stop them all before giving up.
            starters.shutdownNow();
            close();
            throw e;
        } finally {
            starters.shutdown();
        }
    }

    int size() {
        return agents.size();
    }

    /** Units active on all simulated machines, as their systemds see it. */
    int activeUnits() {
        return systemds.stream().mapToInt(InstantSystemd::activeCount).sum();
    }

    /**
     * The loner machine dies: its etcd connection closes without revoking anything, so its lease and
     * the states on it run out after the TTL, as when a machine loses power.
     */
    void killLoner() {
        if (lonerConnection == null) {
            throw new IllegalStateException("no machine has a connection of its own");
        }
        lonerConnection.close();
    }

    @Override
    public void close() {
        // Clean shutdowns in parallel: each stops its units, removes its states, revokes its lease.
        ExecutorService closers = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> closed = new ArrayList<>();
            for (int i = 0; i < agents.size(); i++) {
                Agent a = agents.get(i);
                if (i == loner) {
                    continue; // dead already; its connection is closed
                }
                closed.add(closers.submit(a::close));
            }
            for (Future<?> f : closed) {
                try {
                    f.get();
                } catch (Exception e) {
                    // keep closing the rest
                }
            }
        } finally {
            closers.shutdown();
        }
        connections.forEach(Registry::close);
        if (lonerConnection != null) {
            lonerConnection.close();
        }
        for (ExecutorService e : events) {
            e.shutdownNow();
        }
        lanes.close();
    }

    /** The threads of this JVM now (all of them: agents' pool, gRPC, engine, the harness). */
    static int jvmThreads() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
