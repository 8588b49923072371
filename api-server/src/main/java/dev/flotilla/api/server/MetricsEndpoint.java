package dev.flotilla.api.server;

import dev.flotilla.model.DesiredState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Everything {@code GET /metrics} reports, from memory: cached cluster counts, API counters, the daemon's figures. */
final class MetricsEndpoint {
    private final ClusterCounts counts;
    private final ApiStats stats;
    private final Supplier<List<Metric>> daemon;
    private final BodyBudget bodies;

    MetricsEndpoint(ClusterCounts counts, ApiStats stats, Supplier<List<Metric>> daemon, BodyBudget bodies) {
        this.bodies = bodies;
        this.counts = counts;
        this.stats = stats;
        this.daemon = daemon;
    }

    List<Metric> metrics() {
        ClusterCounts.Counts c = counts.counts();
        List<Metric> out = new ArrayList<>();
        // Cluster-wide gauges only where the cluster is counted (flotd: the engine leader's daemon).
        if (c.counting()) {
            for (Map.Entry<DesiredState, Integer> e : c.unitsByDesired().entrySet()) {
                out.add(new Metric("flotilla_units", "gauge", "Units in the cluster by desired state.",
                        Map.of("desired", e.getKey().fleetName()), e.getValue()));
            }
            for (Map.Entry<String, Integer> e : c.statesByActive().entrySet()) {
                out.add(new Metric("flotilla_unit_states", "gauge",
                        "Unit states published by the agents (one per unit per machine), by systemd active state.",
                        Map.of("active", e.getKey()), e.getValue()));
            }
            out.add(Metric.gauge("flotilla_machines", "Machines registered in the cluster.", c.machines()));
            out.add(Metric.gauge("flotilla_cluster_view_revision",
                    "etcd revision the counts above are at (0: not read yet).", c.revision()));
        }
        for (int cls = 1; cls <= 5; cls++) {
            out.add(new Metric("flotilla_api_requests_total", "counter", "API answers by status class.",
                    Map.of("code", cls + "xx"), stats.answers(cls)));
        }
        out.add(new Metric("flotilla_etcd_errors_total", "counter",
                "etcd failures: registry errors met by the API (503), engine passes that could not read or write.",
                Map.of("source", "api"), stats.etcdErrors()));
        out.add(Metric.gauge("flotilla_api_body_bytes_in_flight",
                "Request body bytes held by the API now (bounded by its bytes-in-flight limit).", bodies.held()));
        out.addAll(daemon.get());
        return out;
    }
}
