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

    /** Keys written (puts + deletes) and write requests (revisions) so far. */
    record Counters(long puts, long deletes, long txns, long ranges) {
        long keyWrites() {
            return puts + deletes;
        }

        Counters minus(Counters before) {
            return new Counters(puts - before.puts, deletes - before.deletes, txns - before.txns, ranges - before.ranges);
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
        return new Counters(value(body, "etcd_mvcc_put_total"), value(body, "etcd_mvcc_delete_total"),
                value(body, "etcd_mvcc_txn_total"), value(body, "etcd_mvcc_range_total"));
    }

    private static long value(String body, String name) {
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return 0;
    }
}
