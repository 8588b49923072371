package dev.flotilla.bench;

import dev.flotilla.engine.Engine;
import dev.flotilla.engine.EngineOptions;
import dev.flotilla.engine.EngineStats;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdProcess;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.WatchEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static dev.flotilla.bench.EngineBench.awaitTrue;
import static dev.flotilla.bench.EngineBench.ms;

/**
 * The whole loop through a real etcd: 1,000 simulated machines, each a real {@link dev.flotilla.agent.Agent}
 * with an in-memory systemd, the real engine, units submitted as the API would. A unit counts as
 * running when its state in etcd, published by its agent, says active.
 */
final class AgentBench {
    /** Units per submission call: an orchestrator's or flotctl's batch calls. */
    static final int BATCH = 100;
    /** Calls at a time of the later units' submit and start (small: 5,000 units at most). */
    static final int BATCH_CALLERS = 1;
    /** Lines of progress while the units start. */
    private static final long PROGRESS_MS = 5000;

    private final EngineBench.Sizes sizes;
    private final Path workDir;
    private final Path unitDirs;

    /** @param unitDirs where the agents' unit folders go (tmpfs, like flotd's /run/flotilla/units) */
    AgentBench(EngineBench.Sizes sizes, Path workDir, Path unitDirs) {
        this.sizes = sizes;
        this.workDir = workDir;
        this.unitDirs = unitDirs;
    }

    /** Unit states as the states watch reports them: unit -> machine -> active. */
    private static final class States {
        private final Map<String, Map<String, Boolean>> byUnit = new HashMap<>();
        private int activeKeys;
        private long removedAt;
        private String watchedMachine;

        synchronized void on(WatchEvent<UnitState> e) {
            e.foldInto(new WatchEvent.Fold<>() {
                @Override
                public void clear() {
                    byUnit.clear();
                    activeKeys = 0;
                }

                @Override
                public void put(String key, UnitState value) {
                    States.this.put(value);
                }

                @Override
                public void remove(String key, UnitState previous) {
                    Map<String, Boolean> m = previous == null ? null : byUnit.get(previous.unit());
                    if (m != null && Boolean.TRUE.equals(m.remove(previous.machineId()))) {
                        activeKeys--;
                    }
                }
            });
        }

        private void put(UnitState s) {
            boolean active = "active".equals(s.activeState());
            Boolean before = byUnit.computeIfAbsent(s.unit(), k -> new HashMap<>()).put(s.machineId(), active);
            activeKeys += (active ? 1 : 0) - (Boolean.TRUE.equals(before) ? 1 : 0);
        }

        synchronized int activeKeys() {
            return activeKeys;
        }

        synchronized Set<String> unitsOn(String machine) {
            return Set.copyOf(byUnit.entrySet().stream().filter(e -> e.getValue().containsKey(machine)).map(Map.Entry::getKey).toList());
        }

        synchronized boolean activeElsewhere(Set<String> units, String machine) {
            return units.stream().allMatch(u -> byUnit.getOrDefault(u, Map.of()).entrySet().stream()
                    .anyMatch(e -> !e.getKey().equals(machine) && e.getValue()));
        }

        synchronized boolean allActive(String unit) {
            return byUnit.getOrDefault(unit, Map.of()).containsValue(true);
        }
    }

    void run(Report report) throws Exception {
        int m = sizes.machines();
        int victimIndex = m / 2;
        // One agent whose watch events are counted: it should hear (almost) nothing of units placed elsewhere.
        int observedIndex = m > 1 ? (victimIndex + 1) % m : -1;
        CountingWatches counting = new CountingWatches();
        try (EtcdProcess etcd = EtcdProcess.startOnFreePorts(workDir.resolve("etcd-agents"), Duration.ofSeconds(30));
             Registry engineSide = Registry.connect(EtcdConfig.of(etcd.clientUrl()));
             Registry users = Registry.connect(EtcdConfig.of(etcd.clientUrl()));
             // the submitters' calls on a connection of their own, not queued behind the states watch
             Registry submitters = Registry.connect(EtcdConfig.of(etcd.clientUrl()))) {
            EtcdMetrics metrics = new EtcdMetrics(etcd.clientUrl());
            // Several users at once, each through an API server of its own: a connection per caller.
            List<Registry> callers = new java.util.ArrayList<>(List.of(submitters));
            for (int i = 1; i < sizes.submitters(); i++) {
                callers.add(Registry.connect(EtcdConfig.of(etcd.clientUrl())));
            }
            try {
                run(report, etcd, engineSide, users, submitters, callers, metrics, counting);
            } finally {
                callers.stream().skip(1).forEach(Registry::close);
            }
        }
    }

    private void run(Report report, EtcdProcess etcd, Registry engineSide, Registry users, Registry submitters, List<Registry> callers,
                     EtcdMetrics metrics, CountingWatches counting) throws Exception {
        int m = sizes.machines();
        int n = sizes.units();
        int later = Math.max(20, n / 10 / 20 * 20);
        String size = n + " units / " + m + " machines";
        int victimIndex = m / 2;
        String victim = SimulatedCluster.machineId(victimIndex);
        Duration ttl = sizes.machineTtl();
        int observedIndex = m > 1 ? (victimIndex + 1) % m : -1;
        String observed = observedIndex < 0 ? "" : SimulatedCluster.machineId(observedIndex);
        long t = System.nanoTime();
        try (SimulatedAgents agents = new SimulatedAgents(etcd.clientUrl(), m, ttl, unitDirs, victimIndex,
                observedIndex, counting)) {
            report.add(new Figure("start " + m + " agents (register, watch)", ms(System.nanoTime() - t), "ms", "",
                    "Agent.start of every simulated machine, 16 at a time; their lanes on a shared pool of "
                    + SimulatedAgents.laneThreads() + " threads").grows("start the agents (register, watch)", Figure.Basis.MACHINES));
            int threads = SimulatedAgents.jvmThreads();
            report.add(new Figure("JVM threads with " + m + " agents started", threads, "threads", "",
                    "every thread of this JVM once the agents are up (the agents' shared pool and its timer, a lease thread "
                    + "and gRPC's threads per etcd connection, the harness); flotd has a thread per lane instead, ~6 per agent")
                    .grows("JVM threads with the agents started", Figure.Basis.MACHINES));
            Engine engine = Engine.start(engineSide, engineSide.leaderElection("bench-engine", Duration.ofSeconds(2)),
                    EngineOptions.defaults(ttl));
            PassSampler passes = new PassSampler(engine);
            States states = new States();
            AtomicLong victimGone = new AtomicLong();
            try (var stateWatch = users.watchStates(states::on);
                 var machineWatch = users.watchMachines(e -> {
                     if (e instanceof WatchEvent.Removed<Machine> r && r.key().endsWith(victim)) {
                         victimGone.compareAndSet(0, System.nanoTime());
                     }
                 })) {
                awaitTrue("engine elected", Duration.ofSeconds(30), () -> engine.stats().leader());

                // 1. flotctl start of new units: created directly as launched, many units per call.
                List<UnitRecord> units = SimulatedCluster.units(n, DesiredState.LAUNCHED);
                EtcdMetrics.Counters before = metrics.read();
                EngineStats engineBefore = engine.stats();
                long ownEventsBefore = counting.ownAssignmentEvents.get();
                long otherEventsBefore = counting.otherEvents.get();
                long cpuBefore = processCpuNanos();
                long t0 = System.nanoTime();
                AtomicLong submittedUnits = new AtomicLong();
                long submitted;
                try (Progress progress = new Progress("submit+start", metrics, PROGRESS_MS, submittedUnits::get,
                        () -> engine.stats().writes() - engineBefore.writes(), states::activeKeys, System.out)) {
                    SimulatedCluster.submitFromCallers(callers, units, BATCH, submittedUnits);
                    submitted = System.nanoTime();
                    awaitTrue("every unit reported active", Duration.ofSeconds(Math.max(60, n / 50)), () -> states.activeKeys() >= n);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(e.getMessage() + ": " + states.activeKeys() + " of " + n + " active in etcd, "
                            + agents.activeUnits() + " in the simulated systemds; engine " + engine.stats(), e);
                }
                long active = System.nanoTime();
                long cpu = processCpuNanos() - cpuBefore;
                EngineStats engineAfter = engine.stats();
                EtcdMetrics.Counters atActive = metrics.read().minus(before);
                settle();
                EtcdMetrics.Counters spent = metrics.read().minus(before);
                double seconds = (active - t0) / 1e9;
                report.add(new Figure("submit+start " + size + ", until all reported active", ms(active - t0), "ms",
                        "< 20,000 ms", "from the first batch call (" + BATCH + " units each, as POST /flotilla/v1/units, from "
                        + callers.size() + " concurrent callers on a connection each, each call after its last answer) "
                        + "until the states watch shows every unit active; "
                        + "submission alone " + String.format("%,d", (long) ms(submitted - t0)) + " ms",
                        atActive.keyWrites() / seconds).grows("submit+start until all active: wall", Figure.Basis.UNITS));
                report.add(new Figure("CPU of this JVM during submit+start", ms(cpu), "ms", "",
                        "all threads (" + m + " agents, engine, submitters, gRPC), not etcd; " + String.format("%.2f", cpu / 1e9 / seconds)
                        + " cores on average: less load-dependent than the wall time")
                        .grows("submit+start until all active: JVM CPU (agents, engine, gRPC)", Figure.Basis.UNITS));
                report.add(new Figure("engine passes during submit+start", engineAfter.passes() - engineBefore.passes(), "passes", "",
                        (engineAfter.fullPasses() - engineBefore.fullPasses()) + " of them over the whole cluster, the rest over the units "
                        + "added since the pass before; " + String.format("%,d", engineAfter.totalPassMillis() - engineBefore.totalPassMillis())
                        + " ms in passes, writes included"));
                report.add(new Figure("etcd key writes per unit: start of a new unit", (double) spent.keyWrites() / n, "writes",
                        "<= 4 (fleet ~8)", "created launched (flotctl start) -> assigned -> state active; etcd's put+delete "
                        + "counters over the run and 1 s after, / units").grows("key writes per unit: new unit, started", Figure.Basis.NONE));
                report.add(new Figure("etcd database size after submit+start", Math.round(spent.dbBytes() / 104857.6) / 10.0, "MiB", "",
                        "etcd_mvcc_db_total_size_in_bytes: " + n + " units, their assignments and states (no compaction ran)")
                        .grows("etcd database size", Figure.Basis.UNITS));
                if (observedIndex >= 0) {
                    int own = states.unitsOn(observed).size();
                    long ownEvents = counting.ownAssignmentEvents.get() - ownEventsBefore;
                    long otherEvents = counting.otherEvents.get() - otherEventsBefore;
                    report.add(new Figure("watch events one agent receives per 1,000 units placed elsewhere",
                            1000.0 * otherEvents / Math.max(1, n - own), "events", "~0",
                            "machine " + observedIndex + "'s agent during submit+start: " + otherEvents + " events on its watches other than its own "
                            + "assignments (global units, metadata overrides) while " + (n - own) + " units went elsewhere; "
                            + ownEvents + " assignment events for its own " + own + " units")
                            .grows("watch events one agent receives per 1,000 units placed elsewhere", Figure.Basis.NONE));
                }

                // 2. Idle: nothing changes; count what etcd still writes.
                EtcdMetrics.Counters idleBefore = metrics.read();
                long idleStart = System.nanoTime();
                Thread.sleep(sizes.idle().toMillis()); // the measurement window itself
                EtcdMetrics.Counters idle = metrics.read().minus(idleBefore);
                double minutes = (System.nanoTime() - idleStart) / 60e9;
                report.add(new Figure("idle " + size + " with agents: key writes", idle.keyWrites() / minutes, "writes/min",
                        "< 100 (fleet 1,800 for 300 units)", "over " + sizes.idle().toSeconds() + " s; " + m
                        + " leases kept alive (not key writes); agents and engine resync every 60 s", idle.keyWrites() / minutes / 60)
                        .grows("idle: key writes per minute", Figure.Basis.NONE));
                double idleSeconds = minutes * 60;
                report.add(new Figure("idle: lease keep-alive requests", idle.keepAlives() / idleSeconds, "requests/s", "",
                        "LeaseKeepAlive messages etcd received (grpc_server_msg_received_total) over the idle window: " + m
                        + " machine leases on a " + ttl.toSeconds() + " s TTL (a keep-alive every TTL/3) and the engine's; leases renewed "
                        + String.format("%,.0f/s", idle.renewals() / idleSeconds) + " (etcd_debugging_lease_renewed_total)")
                        .grows("idle: lease keep-alive requests per second (machine TTL " + ttl.toSeconds() + " s)", Figure.Basis.MACHINES));
                report.add(new Figure("idle: etcd CPU", 100 * idle.cpuSeconds() / idleSeconds, "% of a core", "",
                        "etcd's process_cpu_seconds_total over the idle window: keep-alives, watches' progress, its own timers")
                        .grows("idle: etcd CPU", Figure.Basis.MACHINES));

                // 3. A machine dies: its units run elsewhere once its lease has run out.
                Set<String> itsUnits = states.unitsOn(victim);
                long killed = System.nanoTime();
                agents.killLoner();
                awaitTrue("the dead machine's lease ran out", ttl.plusSeconds(30), () -> victimGone.get() != 0);
                MovedOrWaiting moved = new MovedOrWaiting(users, itsUnits);
                awaitTrue("the dead machine's units active elsewhere", Duration.ofSeconds(60),
                        () -> moved.done(u -> states.activeElsewhere(Set.of(u), victim)));
                long elsewhere = System.nanoTime();
                report.add(new Figure("dead machine: its " + itsUnits.size() + " units active elsewhere", ms(elsewhere - victimGone.get()),
                        "ms", "< 1,000 ms", "from its machine key's removal (lease expired, " + String.format("%,d", (long) ms(victimGone.get() - killed))
                        + " ms after its connection closed, TTL " + ttl.toSeconds() + " s) until their states on other machines say active"
                        + (moved.waiting().isEmpty() ? "" : "; " + moved.waiting().size() + " of them wait instead (no other machine fits them)"))
                        .grows("dead machine: its units active elsewhere after expiry", Figure.Basis.NONE));
                settle();

                // 4. flotctl submit, then flotctl start: two batch calls.
                List<UnitRecord> more = SimulatedCluster.units((n + 19) / 20 * 20, later, DesiredState.INACTIVE);
                EtcdMetrics.Counters before2 = metrics.read();
                long engineWrites2 = engine.stats().writes();
                long t2 = System.nanoTime();
                SimulatedCluster.submitInBatches(submitters, more, BATCH, BATCH_CALLERS);
                SimulatedCluster.setDesiredInBatches(submitters, more, DesiredState.LAUNCHED, BATCH, BATCH_CALLERS);
                // As for the dead machine: a unit counts once active or recorded waiting (at 100,000 units the
                // machines each run a Conflicts=solo-* unit already, so the later solo units cannot be placed).
                MovedOrWaiting started = new MovedOrWaiting(users,
                        new java.util.TreeSet<>(more.stream().map(UnitRecord::name).toList()));
                awaitTrue("every later unit reported active or waiting", Duration.ofSeconds(Math.max(60, later / 50)),
                        () -> started.done(u -> states.allActive(u)));
                long active2 = System.nanoTime();
                settle();
                EtcdMetrics.Counters spent2 = metrics.read().minus(before2);
                // Beyond one assignment per unit, the engine writes waiting reasons: a MachineOf follower
                // set launched before its peer waits for it, visibly, until the peer is launched too.
                long engineExtra = engine.stats().writes() - engineWrites2 - later;
                report.add(new Figure("etcd key writes per unit: submit, then start", (double) spent2.keyWrites() / later, "writes",
                        "<= 4 (fleet ~8)", later + " more units: created inactive (flotctl submit), set launched (flotctl start) "
                        + "-> assigned -> active; in " + String.format("%,d", (long) ms(active2 - t2)) + " ms; engine writes beyond "
                        + "one assignment per unit: " + engineExtra + " (waiting reasons set and cleared)"
                        + (started.waiting().isEmpty() ? "" : "; " + started.waiting().size() + " units wait instead of running ("
                        + waitingKinds(started.waiting()) + ")"))
                        .grows("key writes per unit: submitted, then started", Figure.Basis.NONE));
                // A machine's death is planned incrementally: the full passes left are the 60 s resyncs.
                List<PassSampler.Pass> full = passes.since(active, true);
                report.add(new Figure("engine pass over the whole cluster", PassSampler.medianMillis(full), "ms", "",
                        "median of the " + full.size() + " full passes (the 60 s resync) sampled from when all " + n
                        + " units were active until here (" + n + " to " + (n + later) + " units on " + m
                        + " machines), writes included; engine in this JVM (C2)")
                        .grows("engine pass: full", Figure.Basis.UNITS));
                List<PassSampler.Pass> incremental = passes.since(t2, false);
                report.add(new Figure("engine pass over the units added since the last", PassSampler.medianMillis(incremental), "ms", "",
                        "median of the " + incremental.size() + " incremental passes sampled while the " + later + " later units were "
                        + "placed into the full cluster, writes included").grows("engine pass: incremental", Figure.Basis.UNITS));
            } finally {
                passes.close();
                engine.close();
            }
        }
    }

    /** The waiting units by the prefix of their names (the mix's kinds: solo-, app-, ...), e.g. "250 solo-*". */
    static String waitingKinds(Set<String> waiting) {
        Map<String, Long> byKind = new java.util.TreeMap<>();
        waiting.forEach(u -> byKind.merge(u.substring(0, Math.max(0, u.indexOf('-'))) + "-*", 1L, Long::sum));
        return String.join(", ", byKind.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
    }

    /** CPU time of this JVM, every thread. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Lets the last writes a pass or a publisher may still have in flight reach etcd before counting. */
    private static void settle() throws InterruptedException {
        Thread.sleep(1000);
    }
}
