package dev.flotilla.api.server;

import dev.flotilla.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fleet's PATCH /fleet/v1/machines against a real etcd. */
@Tag("etcd")
class MachinePatchApiTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String M1 = "a".repeat(32);
    private static final String M2 = "b".repeat(32);

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
    }

    private ApiCluster.Raw patch(String body) throws Exception {
        return api.raw("PATCH", "/fleet/v1/machines", "application/json", body);
    }

    private static String op(String op, String machine, String key, String value) {
        return "{\"op\":\"" + op + "\",\"path\":\"/" + machine + "/metadata/" + key + "\""
                + (value == null ? "" : ",\"value\":{\"value\":\"" + value + "\"}") + "}";
    }

    private String message(ApiCluster.Raw r, int code) throws Exception {
        assertEquals(code, r.status(), r.body());
        return Json.parse(r.body()).path("error").path("message").asText();
    }

    @Test
    void addReplaceAndRemoveAreWrittenTogetherAnd204() throws Exception {
        api.machine(M1, "127.0.0.10", Map.of("az", "a"));
        ApiCluster.Raw r = patch("[" + op("add", M1, "role", "web") + "," + op("replace", M2, "disk", "ssd") + ","
                + op("remove", M1, "az", null) + "]");
        assertEquals(204, r.status(), r.body());
        assertEquals("", r.body());
        assertEquals(Map.of("role", "web", "az", ""), api.registry.metadataOverrides(M1).value());
        assertEquals(Map.of("disk", "ssd"), api.registry.metadataOverrides(M2).value(),
                "as in fleet, a machine that is not registered keeps its overrides for when it joins");

        assertEquals(204, patch("[{\"op\":\"add\",\"path\":\"/" + M1 + "/metadata/role\",\"value\":\"cache\"}]").status(),
                "a plain string value is taken too");
        assertEquals("cache", api.registry.metadataOverrides(M1).value().get("role"));
        assertEquals(204, patch("[]").status());
    }

    @Test
    void anyBadOperationRefusesThePatchAndWritesNothing() throws Exception {
        String good = op("add", M1, "role", "web");
        assertTrue(message(patch("[" + good + "," + op("move", M1, "role", "x") + "]"), 400)
                .contains("operation 1: invalid op \"move\": expect add, remove, or replace"));
        assertTrue(message(patch("[" + good + "," + op("add", M1, "ro/le", "x") + "]"), 400)
                .contains("machine metadata path invalid"));
        assertTrue(message(patch("[{\"op\":\"add\",\"path\":\"/" + M1 + "/labels/role\",\"value\":{\"value\":\"x\"}}]"), 400)
                .contains("machine metadata path invalid"));
        assertTrue(message(patch("[" + good + "," + op("replace", M1, "role", "") + "]"), 400)
                .contains("add and replace require a value"));
        assertTrue(message(patch("[" + op("add", M1, "role", null) + "]"), 400).contains("require a value"));
        assertTrue(message(patch("{\"op\":\"add\"}"), 400).contains("JSON array"));
        assertEquals(400, patch("[1]").status());
        assertEquals(400, patch("[").status());
        assertEquals(Map.of(), api.registry.metadataOverrides(M1).value(), "nothing written");

        ApiCluster.Raw wrong = api.raw("PUT", "/fleet/v1/machines", "application/json", "[]");
        assertEquals(405, wrong.status());
        assertEquals("GET, PATCH", wrong.headers().get("Allow"));
    }
}
