package dev.flotilla.testvms;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness's plumbing around flotd on three machines: addresses, metadata, flotctl inside a
 * machine, the leader lookup. It checks only what the harness sets up, not scheduling.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3)
class ClusterHarnessTest {

    @Test
    void everyMachineIsListedWithItsAddressAndMetadata(Cluster cluster) {
        assertEquals(List.of("m1", "m2", "m3"), cluster.machines());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            CommandResult r = cluster.flotctl("m2", "list-machines").requireOk("flotctl list-machines");
            List<String> rows = r.stdout().lines().skip(1).filter(l -> !l.isBlank()).toList();
            assertEquals(3, rows.size(), r::toString);
            for (String m : cluster.machines()) {
                int k = Integer.parseInt(m.substring(1));
                String az = List.of("a", "b", "c").get((k - 1) % 3);
                assertTrue(rows.stream().anyMatch(row -> row.contains("127.0.0." + (10 + k))
                        && row.contains("machine=" + m) && row.contains("az=" + az)
                        && cluster.machineId(m).startsWith(row.split("\t")[0].replace("...", ""))), r::toString);
            }
        });
    }

    @Test
    void leaderIsOneOfTheMachines(Cluster cluster) {
        String leader = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(cluster::leader, notNullValue());
        assertTrue(cluster.machines().contains(leader), leader);
    }

    @Test
    void endpointsAnswerFromTheHostOverTlsWithATokenOnly(Cluster cluster) throws Exception {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpClient tls = HttpClient.newBuilder().sslContext(cluster.tls().sslContext()).connectTimeout(Duration.ofSeconds(2)).build();
        for (String m : cluster.machines()) {
            int k = Integer.parseInt(m.substring(1));
            assertEquals("https://127.0.0." + (10 + k) + ":49153", cluster.endpoint(m));
            HttpResponse<String> health = cluster.apiGet(m, "/health");
            assertEquals(200, health.statusCode(), health::body);
            // the certificate names the machine's address; without a token the answer is 401
            HttpResponse<String> anonymous = tls.send(HttpRequest.newBuilder(URI.create(cluster.endpoint(m) + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode(), anonymous::body);
            HttpResponse<String> http = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0." + (10 + k) + ":49153/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, http.statusCode(), http::body);
        }
        assertTrue(cluster.etcdEndpoint().startsWith("http://127.0.0.1:"), cluster.etcdEndpoint());
    }

    @Test
    void flotctlFromTheHostUsesTheTokensAndInAMachineTheClientCertificate(Cluster cluster, @TempDir Path dir) throws Exception {
        CommandResult machines = cluster.flotctlFromHost("m3", "list-machines", "--no-legend");
        assertEquals(3, machines.requireOk("list-machines from the host").out().lines().count(), machines::toString);
        Path unit = Files.writeString(dir.resolve("ro.service"), "[Service]\nExecStart=/bin/true\n");
        CommandResult readOnly = cluster.command(Duration.ofSeconds(60),
                cluster.hostFlotctlCommand("m1", cluster.tls().readOnlyTokenFile(), "submit", unit.toString()));
        assertEquals(1, readOnly.exitCode(), readOnly::toString);
        assertTrue(readOnly.stderr().contains("read-only"), readOnly::toString);
        // a machine's flotctl asks another daemon over TLS with the client certificate (FLOTCTL_* in exec)
        CommandResult viaTcp = cluster.exec("m1", Cluster.FLOTCTL, "--endpoint=" + cluster.endpoint("m2"), "list-machines");
        assertEquals(0, viaTcp.exitCode(), viaTcp::toString);
    }
}
