package dev.flotilla.bench;

import dev.flotilla.engine.Engine;
import dev.flotilla.engine.EngineOptions;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdProcess;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.WatchEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The engine through a real etcd: machines registered on real leases, units submitted as the API
 * would, the real engine placing them. No agents: this measures placement and etcd load.
 */
final class EngineBench {
    /**
     * @param machines simulated machines
     * @param units    units submitted (launched)
     * @param idle     how long to watch an idle cluster for writes
     * @param machineTtl the simulated agents' machine TTL (flotd's machine_ttl)
     * @param submitters concurrent callers of the batch submission in the agents part, each on a
     *                   connection of its own (as that many API servers would be)
     */
    record Sizes(int machines, int units, Duration idle, Duration machineTtl, int submitters) {
        /** flotd's default machine_ttl. */
        static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
        /** Users submit from several clients at once; one caller alone measures its round trips. */
        static final int DEFAULT_SUBMITTERS = 4;

        Sizes {
            if (submitters < 1) {
                throw new IllegalArgumentException("submitters must be positive, got " + submitters);
            }
        }

        Sizes(int machines, int units, Duration idle, Duration machineTtl) {
            this(machines, units, idle, machineTtl, DEFAULT_SUBMITTERS);
        }

        Sizes(int machines, int units, Duration idle) {
            this(machines, units, idle, DEFAULT_TTL);
        }
    }

    /** Concurrent API clients submitting units. */
    static final int SUBMITTERS = 64;

    private final Sizes sizes;
    private final Path workDir;

    EngineBench(Sizes sizes, Path workDir) {
        this.sizes = sizes;
        this.workDir = workDir;
    }

    /** Who holds each unit now, as the assignment watch reports it. */
    private static final class Placement {
        final Map<String, String> machineOf = new ConcurrentHashMap<>();

        void on(WatchEvent<Assignment> e) {
            e.foldInto(new WatchEvent.Fold<>() {
                @Override
                public void clear() {
                    machineOf.clear();
                }

                @Override
                public void put(String key, Assignment a) {
                    machineOf.put(a.unit(), a.machineId());
                }

                @Override
                public void remove(String key, Assignment previous) {
                    if (previous != null) {
                        machineOf.remove(previous.unit(), previous.machineId());
                    }
                }
            });
        }
    }

    void run(Report report) throws Exception {
        int m = sizes.machines();
        int n = sizes.units();
        String size = n + " units / " + m + " machines";
        try (EtcdProcess etcd = EtcdProcess.startOnFreePorts(workDir.resolve("etcd"), Duration.ofSeconds(30));
             Registry agents = Registry.connect(EtcdConfig.of(etcd.clientUrl()));
             Registry engineSide = Registry.connect(EtcdConfig.of(etcd.clientUrl()));
             Registry users = Registry.connect(EtcdConfig.of(etcd.clientUrl()))) {
            EtcdMetrics metrics = new EtcdMetrics(etcd.clientUrl());
            List<MachinePresence> machines = SimulatedCluster.register(agents, m, Duration.ofSeconds(30));
            Engine engine = Engine.start(engineSide, engineSide.leaderElection("bench-engine", Duration.ofSeconds(10)),
                    new EngineOptions(Duration.ofSeconds(10), Duration.ZERO, Duration.ofMillis(5)));
            awaitTrue("engine elected", Duration.ofSeconds(30), () -> engine.stats().leader());
            Placement placement = new Placement();
            try (var watch = users.watchAssignments(placement::on)) {
                List<UnitRecord> units = SimulatedCluster.units(n, DesiredState.LAUNCHED);

                EtcdMetrics.Counters before = metrics.read();
                long revisionBefore = users.units().revision();
                long t0 = System.nanoTime();
                SimulatedCluster.submit(users, units, SUBMITTERS);
                long submitted = System.nanoTime();
                try {
                    awaitTrue("all units assigned", Duration.ofSeconds(Math.max(30, n / 50)), () -> placement.machineOf.size() == n);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(e.getMessage() + ": " + placement.machineOf.size() + " of " + n
                            + " placed; engine " + engine.stats() + "; assignments in etcd " + users.assignments().value().size() + "; waiting: " + users.waiting().value().entrySet().stream().limit(5).toList(), e);
                }
                long assigned = System.nanoTime();
                EtcdMetrics.Counters spent = metrics.read().minus(before);
                long revisions = users.units().revision() - revisionBefore;

                report.add(new Figure("submit " + n + " units (" + SUBMITTERS + " concurrent clients)", ms(submitted - t0), "ms", "",
                        "createUnit through the registry, one write each"));
                report.add(new Figure("submit+assign " + size, ms(assigned - t0), "ms", "< 10,000 ms",
                        "first submit until the assignment watch shows every unit placed").grows("engine only: submit+assign", Figure.Basis.UNITS));
                report.add(new Figure("assign after the last submit", ms(assigned - submitted), "ms", "",
                        "engine catching up once every unit is in etcd"));
                report.add(new Figure("etcd key writes per unit (submit+assign)", (double) spent.keyWrites() / n, "writes",
                        "<= 3 (fleet ~8)", "etcd_mvcc_put_total + delete_total, whole cluster, / units")
                        .grows("engine only: key writes per unit, submit+assign", Figure.Basis.NONE));
                report.add(new Figure("etcd write requests per unit", (double) revisions / n, "requests", "",
                        "etcd revisions / units (each write request is one revision; the engine batches 100 keys per txn)"));
                report.add(new Figure("engine passes while placing", engine.stats().passes(), "passes", "",
                        "event-driven passes, bursts gathered for 5 ms or as long as the last pass took; "
                        + engine.stats().fullPasses() + " over the whole cluster, the rest over the units added since the pass before"));
                report.add(new Figure("engine time in passes", engine.stats().totalPassMillis(), "ms", "",
                        "sum over passes: view -> scheduler -> fenced writes"));

                // A machine dies: its units must be placed elsewhere in one pass.
                String victim = SimulatedCluster.machineId(m / 2);
                Set<String> itsUnits = Set.copyOf(placement.machineOf.entrySet().stream()
                        .filter(e -> e.getValue().equals(victim)).map(Map.Entry::getKey).toList());
                long killed = System.nanoTime();
                machines.get(m / 2).close(); // lease revoked = expired now
                MovedOrWaiting moved = new MovedOrWaiting(users, itsUnits);
                awaitTrue("the dead machine's units placed elsewhere", Duration.ofSeconds(60), () -> moved.done(
                        u -> placement.machineOf.containsKey(u) && !victim.equals(placement.machineOf.get(u))));
                report.add(new Figure("reassign the " + itsUnits.size() + " units of a dead machine", ms(System.nanoTime() - killed),
                        "ms", "< 1,000 ms", "from its lease's end until the watch shows them all on other machines"
                        + (moved.waiting().isEmpty() ? "" : " or waiting: " + moved.waiting().size() + " wait (no other machine fits them)"))
                        .grows("engine only: reassign a dead machine's units", Figure.Basis.NONE));

                // Idle: nothing changes; count what etcd still writes.
                EtcdMetrics.Counters idleBefore = metrics.read();
                long idleStart = System.nanoTime();
                Thread.sleep(sizes.idle().toMillis()); // the measurement window itself
                EtcdMetrics.Counters idle = metrics.read().minus(idleBefore);
                double minutes = (System.nanoTime() - idleStart) / 60e9;
                report.add(new Figure("idle cluster: etcd key writes per minute", idle.keyWrites() / minutes, "writes/min",
                        "< 100 (fleet 1,800 for 300 units)", "over " + sizes.idle().toSeconds()
                        + " s with the engine resyncing every 10 s; lease keep-alives are not key writes"));
            } finally {
                engine.close();
                machines.forEach(MachinePresence::close);
            }
        }
    }

    static double ms(long nanos) {
        return Math.round(nanos / 1e6);
    }

    static void awaitTrue(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
            Thread.sleep(2); // polling a local in-memory condition; the resolution of the figure
        }
    }
}
