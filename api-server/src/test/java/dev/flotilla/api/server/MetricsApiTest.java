package dev.flotilla.api.server;

import dev.flotilla.api.ApiException;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.MachinePresence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /metrics of a real ApiServer over a real etcd: values follow the cluster, answers are counted. */
@Tag("etcd")
class MetricsApiTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String TEXT = "[Service]\nExecStart=/bin/sleep infinity\n";

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
    }

    private String metrics() throws IOException {
        ApiCluster.Raw r = api.raw("GET", "/metrics", null, (String) null);
        assertEquals(200, r.status(), r.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().get("Content-Type"));
        return r.body();
    }

    static double value(String text, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no sample " + sample + " in\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countsFollowTheCluster() throws Exception {
        MachinePresence m = api.machine("a".repeat(32), "127.0.0.11", Map.of());
        api.client.submit("a.service", TEXT, DesiredState.LAUNCHED, false);
        api.client.submit("b.service", TEXT, DesiredState.LAUNCHED, false);
        api.client.submit("c.service", TEXT, null, false);
        api.publish(m, "a.service", "h", "loaded", "active", "running");
        api.publish(m, "b.service", "h", "loaded", "failed", "failed");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String t = metrics();
            assertEquals(2, value(t, "flotilla_units{desired=\"launched\"}"));
            assertEquals(1, value(t, "flotilla_units{desired=\"inactive\"}"));
            assertEquals(0, value(t, "flotilla_units{desired=\"loaded\"}"));
            assertEquals(1, value(t, "flotilla_unit_states{active=\"active\"}"));
            assertEquals(1, value(t, "flotilla_unit_states{active=\"failed\"}"));
            assertEquals(1, value(t, "flotilla_machines"));
        });
        api.client.deleteUnit("c.service");
        m.close();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String t = metrics();
            assertEquals(0, value(t, "flotilla_units{desired=\"inactive\"}"));
            assertEquals(0, value(t, "flotilla_machines"));
            assertEquals(0, value(t, "flotilla_unit_states{active=\"active\"}"), "states die with the machine's lease");
        });
        String t = metrics();
        assertTrue(t.contains("# TYPE flotilla_api_requests_total counter\n"), t);
        assertTrue(value(t, "flotilla_cluster_view_revision") > 0);
    }

    @Test
    void clusterGaugesOnlyWhileCounting() throws Exception {
        api.client.submit("a.service", TEXT, DesiredState.LAUNCHED, false);
        await().atMost(Duration.ofSeconds(20)).until(() -> value(metrics(), "flotilla_units{desired=\"launched\"}") == 1);
        api.server.countCluster(false);
        String off = metrics();
        assertFalse(off.contains("flotilla_units"), off);
        assertFalse(off.contains("flotilla_machines"), off);
        assertTrue(off.contains("flotilla_api_requests_total"), off);
        api.client.submit("b.service", TEXT, DesiredState.LAUNCHED, false);
        api.server.countCluster(true); // counts again from a fresh listing
        await().atMost(Duration.ofSeconds(20)).until(() -> metrics().contains("flotilla_units")
                && value(metrics(), "flotilla_units{desired=\"launched\"}") == 2);
    }

    @Test
    void answersAreCountedByStatusClass() throws Exception {
        String before = metrics();
        assertThrows(ApiException.class, () -> api.client.submit("bad name", TEXT, null, false));
        api.raw("GET", "/nothing", null, (String) null);
        api.client.machines();
        String after = metrics();
        assertEquals(value(before, "flotilla_api_requests_total{code=\"4xx\"}") + 2,
                value(after, "flotilla_api_requests_total{code=\"4xx\"}"));
        // the first /metrics answer and machines(): two more 2xx
        assertEquals(value(before, "flotilla_api_requests_total{code=\"2xx\"}") + 2,
                value(after, "flotilla_api_requests_total{code=\"2xx\"}"));
        assertEquals(0, value(after, "flotilla_etcd_errors_total{source=\"api\"}"));
    }
}
