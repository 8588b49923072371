package dev.flotilla.bench;

import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdProcess;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.flotilla.bench.EngineBench.ms;

/**
 * What keeping the machines' leases alive costs etcd, and nothing else: every machine of the size
 * registered on its own lease (the registry's {@code register}, as an agent does, with its keep-alive
 * every TTL/3) over {@link SimulatedAgents#CONNECTIONS} connections, no units, no agents, no engine.
 * Measured over the idle window at flotd's default machine TTL and at the TTL {@link #ruleTtl} gives
 * for the size, so the two can be compared (docs/benchmarks.md, "The machine TTL").
 */
final class LeaseBench {
    /** Keep-alive requests per second the rule allows the whole cluster (see docs/benchmarks.md). */
    static final int RENEWALS_PER_SECOND_BUDGET = 1000;

    private final EngineBench.Sizes sizes;
    private final Path workDir;

    LeaseBench(EngineBench.Sizes sizes, Path workDir) {
        this.sizes = sizes;
        this.workDir = workDir;
    }

    /**
     * The documented rule: the default TTL (5 s) until the cluster's keep-alives (one every TTL/3 per
     * machine) would pass the budget, then as long as keeps them at it, in whole seconds.
     */
    static Duration ruleTtl(int machines) {
        long seconds = Math.max(EngineBench.Sizes.DEFAULT_TTL.toSeconds(), (3L * machines + RENEWALS_PER_SECOND_BUDGET - 1) / RENEWALS_PER_SECOND_BUDGET);
        return Duration.ofSeconds(seconds);
    }

    void run(Report report) throws Exception {
        int m = sizes.machines();
        Set<Duration> ttls = new LinkedHashSet<>(List.of(sizes.machineTtl(), ruleTtl(m)));
        int i = 0;
        for (Duration ttl : ttls) {
            measure(report, m, ttl, i++);
        }
    }

    private void measure(Report report, int m, Duration ttl, int run) throws Exception {
        try (EtcdProcess etcd = EtcdProcess.startOnFreePorts(workDir.resolve("etcd-leases-" + run), Duration.ofSeconds(30))) {
            List<Registry> connections = new ArrayList<>();
            List<MachinePresence> machines = new ArrayList<>();
            try {
                for (int c = 0; c < SimulatedAgents.CONNECTIONS; c++) {
                    connections.add(Registry.connect(EtcdConfig.of(etcd.clientUrl())));
                }
                long registering = System.nanoTime();
                int retries = 0;
                for (int k = 0; k < m; k++) {
                    dev.flotilla.model.Machine machine = new dev.flotilla.model.Machine(SimulatedCluster.machineId(k),
                            "127.0.0.1", SimulatedCluster.metadata(k), "bench");
                    for (int attempt = 1; ; attempt++) {
                        try {
                            machines.add(connections.get(k % connections.size()).register(machine, ttl, "leases-" + k, Duration.ZERO));
                            break;
                        } catch (dev.flotilla.registry.RegistryException e) {
                            // an overloaded etcd answers a grant late (the bound is TTL/3): a daemon retries too
                            if (attempt == 3) {
                                throw new IllegalStateException("registered " + k + " of " + m + " machines on a " + ttl.toSeconds()
                                        + " s TTL, then: " + e.getMessage(), e);
                            }
                            retries++;
                        }
                    }
                }
                report.add(new Figure("leases only: register " + m + " machines on a " + ttl.toSeconds() + " s TTL",
                        ms(System.nanoTime() - registering), "ms", "", "one after another over " + connections.size()
                        + " connections (lease grant, machine key, metadata); " + retries + " grants retried after etcd answered late"));
                EtcdMetrics metrics = new EtcdMetrics(etcd.clientUrl());
                Thread.sleep(ttl.toMillis() / 3 + 100); // one keep-alive period: every keeper in its rhythm before counting
                EtcdMetrics.Counters before = metrics.read();
                long cpuBefore = AgentBench.processCpuNanos();
                long t = System.nanoTime();
                // The window itself: at least a TTL, so it holds every lease's renewals (one per TTL/3)
                // whatever their phase; a window shorter than TTL/3 could hold none.
                Duration window = sizes.idle().compareTo(ttl) < 0 ? ttl : sizes.idle();
                Thread.sleep(window.toMillis());
                EtcdMetrics.Counters spent = metrics.read().minus(before);
                double seconds = (System.nanoTime() - t) / 1e9;
                double jvmCores = (AgentBench.processCpuNanos() - cpuBefore) / 1e9 / seconds;
                String which = ttl.equals(sizes.machineTtl()) ? "" : " (the rule's TTL)";
                String row = ttl.equals(sizes.machineTtl()) ? "" : ", rule";
                report.add(new Figure("leases only, " + m + " machines on a " + ttl.toSeconds() + " s TTL" + which + ": keep-alive requests",
                        spent.keepAlives() / seconds, "requests/s", "", "LeaseKeepAlive messages etcd received over "
                        + window.toSeconds() + " s; leases renewed " + String.format("%,.0f/s", spent.renewals() / seconds)
                        + "; no agents, units or engine; the keeping JVM used " + String.format("%.2f", jvmCores) + " cores")
                        .grows("leases only: keep-alive requests per second (TTL " + (row.isEmpty() ? "as set" : "by the rule") + ")",
                                Figure.Basis.MACHINES));
                report.add(new Figure("leases only, " + m + " machines on a " + ttl.toSeconds() + " s TTL" + which + ": etcd CPU",
                        100 * spent.cpuSeconds() / seconds, "% of a core", "", "etcd's process_cpu_seconds_total over the same window")
                        .grows("leases only: etcd CPU (TTL " + (row.isEmpty() ? "as set" : "by the rule") + ")", Figure.Basis.MACHINES));
                if (!row.isEmpty()) {
                    report.add(new Figure("the rule's machine TTL for " + m + " machines", ttl.toSeconds(), "s", "",
                            "max(5 s, 3 x machines / " + RENEWALS_PER_SECOND_BUDGET + " keep-alives/s)").grows("machine TTL by the rule", Figure.Basis.NONE));
                }
            } finally {
                machines.forEach(MachinePresence::close);
                connections.forEach(Registry::close);
            }
        }
    }
}
