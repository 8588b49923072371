package dev.flotilla.flotd;

import dev.flotilla.api.server.Metric;
import dev.flotilla.engine.EngineStats;

import java.util.List;
import java.util.Map;

/** The engine's figures as metrics of /metrics. */
final class EngineMetrics {
    private EngineMetrics() {
    }

    static List<Metric> of(EngineStats s) {
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
