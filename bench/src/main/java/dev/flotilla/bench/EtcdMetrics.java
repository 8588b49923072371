package dev.flotilla.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads etcd's own Prometheus counters, so write counts come from etcd, not from our code. */
final class EtcdMetrics {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;

    EtcdMetrics(String clientUrl) {
        this.uri = URI.create(clientUrl + "/metrics");
    }

    /**
     * Keys written (puts + deletes), transactions and ranges, lease keep-alive requests received,
     * lease renewals done and etcd's own CPU seconds so far; and the size of its database file now (a gauge, not a counter).
     */
    record Counters(long puts, long deletes, long txns, long ranges, long keepAlives, long renewals, double cpuSeconds, long dbBytes) {
        long keyWrites() {
            return puts + deletes;
        }

        /** What happened since {@code before}; the database size stays this one's. */
        Counters minus(Counters before) {
            return new Counters(puts - before.puts, deletes - before.deletes, txns - before.txns, ranges - before.ranges,
                    keepAlives - before.keepAlives, renewals - before.renewals, cpuSeconds - before.cpuSeconds, dbBytes);
        }
    }

    Counters read() {
        String body;
        try {
            body = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read etcd metrics at " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return parse(body);
    }

    static Counters parse(String body) {
        return new Counters((long) value(body, "etcd_mvcc_put_total "), (long) value(body, "etcd_mvcc_delete_total "),
                (long) value(body, "etcd_mvcc_txn_total "), (long) value(body, "etcd_mvcc_range_total "),
                // every LeaseKeepAlive message on the bidirectional streams is one renewal request
                (long) value(body, "grpc_server_msg_received_total{grpc_method=\"LeaseKeepAlive\","),
                // leases the leader renewed (a request may renew nothing, or arrive twice)
                (long) value(body, "etcd_debugging_lease_renewed_total "),
                value(body, "process_cpu_seconds_total "), (long) value(body, "etcd_mvcc_db_total_size_in_bytes "));
    }

    /** The value of the first sample line starting with {@code start} (a name and a space, or a name and its first label). */
    private static double value(String body, String start) {
        for (String line : body.split("\n")) {
            if (line.startsWith(start)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return 0;
    }
}
