package dev.flotilla.flotd;

import dev.flotilla.api.server.Metric;
import dev.flotilla.engine.EngineStats;
import dev.flotilla.engine.scheduler.MachineLoad;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The engine's figures as metrics of /metrics. While this daemon's engine leads, also what the last
 * pass allocated on each machine and what the machine can give (CPU in cores, memory in bytes; a
 * capacity of 0 was not announced), labelled by machine id: four series a machine, for at most
 * {@link #MACHINES_REPORTED} machines (the first by id), so a large cluster cannot flood the scrape;
 * {@code flotilla_machines_unreported} counts the rest.
 */
final class EngineMetrics {
    static final int MACHINES_REPORTED = 500;

    private EngineMetrics() {
    }

    static List<Metric> of(EngineStats s) {
        List<Metric> out = new ArrayList<>(engine(s));
        if (!s.leader()) {
            return out;
        }
        for (int i = 0, n = Math.min(s.machines().size(), MACHINES_REPORTED); i < n; i++) {
            Map<String, String> machine = Map.of("machine", s.machines().id(i));
            MachineLoad m = s.machines().at(i);
            out.add(new Metric("flotilla_machine_cpu_allocated_cores", "gauge",
                    "CPU reserved on the machine by its units (global ones included), at the engine's last pass.",
                    machine, m.cpuMillis() / 1000.0));
            out.add(new Metric("flotilla_machine_cpu_capacity_cores", "gauge",
                    "CPU the machine announces for units; 0 if it did not say.", machine, m.capacity().cpuMillis() / 1000.0));
            out.add(new Metric("flotilla_machine_memory_allocated_bytes", "gauge",
                    "Memory reserved on the machine by its units (global ones included), at the engine's last pass.",
                    machine, m.memoryBytes()));
            out.add(new Metric("flotilla_machine_memory_capacity_bytes", "gauge",
                    "Memory the machine announces for units; 0 if it did not say.", machine, m.capacity().memoryBytes()));
        }
        out.add(Metric.gauge("flotilla_machines_unreported",
                "Machines left out of the per-machine series (at most " + MACHINES_REPORTED + " are reported).",
                Math.max(0, s.machines().size() - MACHINES_REPORTED)));
        return out;
    }

    private static List<Metric> engine(EngineStats s) {
        return List.of(
                Metric.gauge("flotilla_engine_leader", "1 while this daemon's engine is the active one, else 0.",
                        s.leader() ? 1 : 0),
                Metric.counter("flotilla_engine_leader_changes_total",
                        "Times this daemon's engine gained or lost the leadership.", s.leaderChanges()),
                Metric.counter("flotilla_engine_reconcile_passes_total", "Reconcile passes run while leader.", s.passes()),
                Metric.counter("flotilla_engine_reconcile_seconds_total", "Time spent in reconcile passes, writes included.",
                        s.totalPassMillis() / 1000.0),
                Metric.gauge("flotilla_engine_reconcile_last_seconds", "Duration of the last reconcile pass.",
                        s.lastPassMillis() / 1000.0),
                Metric.counter("flotilla_engine_writes_total",
                        "Registry changes the engine wrote (assignments and waiting reasons).", s.writes()),
                Metric.gauge("flotilla_engine_waiting_units", "Units waiting for a machine at the last pass.", s.waiting()),
                new Metric("flotilla_etcd_errors_total", "counter",
                        "etcd failures: registry errors met by the API (503), engine passes that could not read or write.",
                        Map.of("source", "engine"), s.failedPasses()));
    }
}
