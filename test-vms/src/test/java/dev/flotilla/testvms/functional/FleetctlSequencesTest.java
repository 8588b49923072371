package dev.flotilla.testvms.functional;

import dev.flotilla.json.JsonValue;
import dev.flotilla.json.Json;
import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real fleetctl's request sequences (1.0, API driver: {@code ?alt=json}, empty fields left
 * out, a poll every 250 ms) against the cluster's fleet v1 API, with the machines' own systemd as
 * the judge: blocking start, start --replace, the restart of a loaded unit, stop + start (the
 * workaround for fleetctl's restart of a running unit), destroy; and units whose [X-Fleet] values
 * are quoted the way fleet read them.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
class FleetctlSequencesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(250); // fleetctl's

    private Cluster cluster;
    private UnitsInCluster units;

    @BeforeEach
    void setUp(Cluster cluster) {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
    }

    private HttpResponse<String> call(String method, String path, String json) {
        return cluster.apiRequest("m1", method, path + "?alt=json", json);
    }

    private static JsonValue json(String body) {
        return Json.parse(body);
    }

    private static String options(String execStart, String description) {
        return "[{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"" + description + "\"},"
                + "{\"section\":\"Service\",\"name\":\"ExecStartPre\"},"
                + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"" + execStart + "\"}]";
    }

    private void create(String name, String options) {
        HttpResponse<String> r = call("PUT", "/fleet/v1/units/" + name, "{\"name\":\"" + name + "\",\"options\":" + options + "}");
        assertEquals(201, r.statusCode(), r.body());
    }

    private void setTargetState(String name, String state) {
        HttpResponse<String> r = call("PUT", "/fleet/v1/units/" + name, "{\"desiredState\":\"" + state + "\",\"name\":\"" + name + "\"}");
        assertEquals(204, r.statusCode(), r.body());
    }

    private void waitForCurrentState(String name, String state) {
        await().atMost(WAIT).pollInterval(POLL).until(() -> {
            HttpResponse<String> r = call("GET", "/fleet/v1/units/" + name, null);
            return r.statusCode() == 200 && state.equals(json(r.body()).path("currentState").asText());
        });
    }

    /** fleetctl's systemd check: every answer must be 200 (a 404 crashes fleetctl). */
    private JsonValue waitForSystemdActive(String name) {
        JsonValue[] last = new JsonValue[1];
        await().atMost(WAIT).pollInterval(POLL).until(() -> {
            HttpResponse<String> r = call("GET", "/fleet/v1/state/" + name, null);
            assertEquals(200, r.statusCode(), "fleetctl would crash on this answer: " + r.body());
            last[0] = json(r.body());
            return last[0].path("systemdActiveState").asText().equals("active")
                    && last[0].path("systemdLoadState").asText().equals("loaded");
        });
        return last[0];
    }

    private String machineOf(JsonValue state) {
        return units.machineNamed(state.path("machineID").asText());
    }

    private void fleetctlStart(String name, String options, boolean replace) {
        HttpResponse<String> existing = call("GET", "/fleet/v1/units/" + name, null);
        if (existing.statusCode() == 404 || replace) {
            create(name, options);
            waitForCurrentState(name, "inactive");
        }
        JsonValue u = json(call("GET", "/fleet/v1/units/" + name, null).body());
        if (!"launched".equals(u.path("desiredState").asText())) {
            setTargetState(name, "launched");
        }
        waitForCurrentState(name, "launched");
        waitForSystemdActive(name);
    }

    @Test
    void blockingStartThenStartWithReplaceRunTheNewTextInSystemd() {
        fleetctlStart("fc-web.service", options("/bin/sleep infinity", "first"), false);
        String where = machineOf(json(call("GET", "/fleet/v1/state/fc-web.service", null).body()));
        assertEquals("active", units.systemdActive(where, "fc-web.service"));
        String oldPid = cluster.exec(where, "systemctl", "show", "-p", "MainPID", "--value", "fc-web.service").out();

        fleetctlStart("fc-web.service", options("/bin/sleep 86400", "second"), true);
        JsonValue state = json(call("GET", "/fleet/v1/state/fc-web.service", null).body());
        String now = machineOf(state);
        assertEquals("active", units.systemdActive(now, "fc-web.service"));
        assertTrue(cluster.exec(now, "systemctl", "cat", "fc-web.service").out().contains("Description=second"),
                "the new text runs");
        assertNotEquals(oldPid, cluster.exec(now, "systemctl", "show", "-p", "MainPID", "--value", "fc-web.service").out(),
                "the old process was stopped");
        assertEquals(List.of(now), units.runningOn("fc-web.service"));
    }

    @Test
    void restartOfALoadedUnitAndStopThenStartWork() {
        create("fc-rs.service", options("/bin/sleep infinity", "restart"));
        setTargetState("fc-rs.service", "loaded");
        waitForCurrentState("fc-rs.service", "loaded");
        // fleetctl restart of a loaded unit: set launched, wait for launched.
        setTargetState("fc-rs.service", "launched");
        waitForCurrentState("fc-rs.service", "launched");
        String where = machineOf(waitForSystemdActive("fc-rs.service"));
        String pid = cluster.exec(where, "systemctl", "show", "-p", "MainPID", "--value", "fc-rs.service").out();

        // The workaround for restarting a running unit: fleetctl stop, then fleetctl start.
        setTargetState("fc-rs.service", "loaded");
        waitForCurrentState("fc-rs.service", "loaded");
        assertNotEquals("active", units.systemdActive(where, "fc-rs.service"), "loaded = stopped on its machine");
        setTargetState("fc-rs.service", "launched");
        waitForCurrentState("fc-rs.service", "launched");
        String again = machineOf(waitForSystemdActive("fc-rs.service"));
        assertNotEquals(pid, cluster.exec(again, "systemctl", "show", "-p", "MainPID", "--value", "fc-rs.service").out());
    }

    @Test
    void destroyRemovesTheUnitAndItsState() {
        fleetctlStart("fc-gone.service", options("/bin/sleep infinity", "gone"), false);
        assertEquals(200, call("GET", "/fleet/v1/units", null).statusCode());
        assertEquals(204, call("DELETE", "/fleet/v1/units/fc-gone.service", null).statusCode());
        assertEquals(404, call("GET", "/fleet/v1/units/fc-gone.service", null).statusCode());
        await().atMost(WAIT).pollInterval(POLL)
                .until(() -> call("GET", "/fleet/v1/state/fc-gone.service", null).statusCode() == 404);
        assertEquals(List.of(), units.runningOn("fc-gone.service"));
    }

    @Test
    void quotedXFleetValuesArePlacedAsFleetReadThem() {
        units.write("m1", "/root/fc-peer.service", UnitsInCluster.unit("peer", "ExecStart=/bin/sleep infinity", ""));
        units.write("m1", "/root/fc-side.service", UnitsInCluster.unit("side", "ExecStart=/bin/sleep infinity",
                "[X-Fleet]\nMachineOf=\"fc-peer.service\"\nMachineMetadata=foo=\n"));
        units.write("m1", "/root/fc-all.service", UnitsInCluster.unit("all", "ExecStart=/bin/sleep infinity",
                "[X-Fleet]\nGlobal=\"true\"\n"));
        cluster.flotctl("m1", "start", "/root/fc-peer.service", "/root/fc-side.service").requireOk("start peer and side");
        String peer = units.machineOf("m1", "fc-peer.service").orElseThrow();
        assertEquals(List.of(peer), units.runningOn("fc-side.service"), "MachineOf=\"fc-peer.service\" names the peer");

        cluster.flotctl("m1", "start", "/root/fc-all.service").requireOk("start global");
        await().atMost(WAIT).until(() -> units.runningOn("fc-all.service").size() == 3);
        cluster.flotctl("m1", "destroy", "fc-peer.service", "fc-side.service", "fc-all.service").requireOk("destroy");
    }
}
