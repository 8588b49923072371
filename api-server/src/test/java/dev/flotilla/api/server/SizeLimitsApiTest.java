package dev.flotilla.api.server;

import dev.flotilla.json.JsonValue;
import dev.flotilla.json.Json;
import dev.flotilla.api.UnitResult;
import dev.flotilla.api.UnitSubmission;
import dev.flotilla.model.MetadataOverride;
import dev.flotilla.registry.RealisticUnits;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real-sized input against a real etcd: etcd's and gRPC's limits never surface as 503 or half-written batches. */
@Tag("etcd")
class SizeLimitsApiTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String M1 = "a".repeat(32);

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
    }

    private static String unitRequest(String text) throws Exception {
        return Json.writeString(Map.of("text", text, "desiredState", "launched"));
    }

    private static String message(ApiCluster.Raw r) throws Exception {
        return Json.parse(r.body()).path("error").path("message").asText();
    }

    @Test
    void tenThousandRealisticUnitsAreListed() throws Exception {
        List<UnitRecord> units = RealisticUnits.of("shop", 10_000, 3);
        assertTrue(api.registry.createUnits(units).values().stream().allMatch(b -> b));

        long start = System.nanoTime();
        ApiCluster.Raw listing = api.raw("GET", "/flotilla/v1/units", null, (String) null);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, listing.status(), listing.body().substring(0, Math.min(300, listing.body().length())));
        assertEquals(10_000, Json.parse(listing.body()).path("units").size());
        ApiCluster.Raw fleet = api.raw("GET", "/fleet/v1/units", null, (String) null);
        assertEquals(200, fleet.status());
        assertEquals(100, Json.parse(fleet.body()).path("units").size());
        assertEquals(10_000, api.client.listing().units().size());
        System.out.printf("listing of 10,000 realistic units over the API: %d ms (load %s)%n", ms,
                RealisticUnits.loadAverage());
    }

    @Test
    void aGlobalUnitOfQuotesAtTheLimitIsStored() throws Exception {
        UnitRecord big = RealisticUnits.largest("big.service", true);
        ApiCluster.Raw r = api.raw("PUT", "/flotilla/v1/units/big.service", "application/json", unitRequest(big.text()));
        assertEquals(201, r.status(), r.body());
        assertEquals(big.text(), api.registry.unit("big.service").orElseThrow().value().text());
        assertEquals(List.of("big.service"), api.registry.globalUnits().value().stream().map(UnitRecord::name).toList());
    }

    @Test
    void oneByteOverTheLimitIs413AndNothingIsWritten() throws Exception {
        UnitRecord over = RealisticUnits.ofSize("over.service", UnitFile.MAX_BYTES + 1, true);
        ApiCluster.Raw r = api.raw("PUT", "/flotilla/v1/units/over.service", "application/json", unitRequest(over.text()));
        assertEquals(413, r.status(), r.body());
        assertTrue(message(r).contains("the limit is " + UnitFile.MAX_BYTES + " bytes"), message(r));
        ApiCluster.Raw post = api.raw("POST", "/flotilla/v1/units", "application/json",
                Json.writeString(List.of(new UnitSubmission("small.service", "[Service]\nExecStart=/bin/true\n", null, null),
                        new UnitSubmission("over.service", over.text(), null, null))));
        assertEquals(413, post.status(), post.body());
        assertTrue(message(post).contains("units[1] (over.service)"), message(post));
        assertEquals(List.of(), api.registry.units().value());
    }

    @Test
    void aPostOfSmallUnitsAndUnitsJustUnderTheLimitIsSplitByBytes() {
        List<UnitSubmission> body = new ArrayList<>();
        for (UnitRecord u : RealisticUnits.of("small", 100, 5)) {
            body.add(new UnitSubmission(u.name(), u.text(), "loaded", null));
        }
        for (int i = 0; i < 3; i++) {
            UnitRecord u = RealisticUnits.ofSize("near-" + i + ".service", UnitFile.MAX_BYTES - 100, i != 1);
            body.add(new UnitSubmission(u.name(), u.text(), "launched", null));
        }
        List<UnitResult> results = api.client.submitAll(body);
        assertEquals(103, results.size());
        assertTrue(results.stream().allMatch(r -> r.code() == 201), results.stream().filter(r -> r.code() != 201).toList().toString());
        assertEquals(103, api.registry.units().value().size());

        // Then all 103 at once set to another state: one read, writes split by bytes.
        List<UnitSubmission> states = body.stream().map(s -> new UnitSubmission(s.name(), null, "inactive", null)).toList();
        List<UnitResult> set = api.client.submitAll(states);
        assertTrue(set.stream().allMatch(r -> r.code() == 200 && "updated".equals(r.change())), set.get(0).toString());
    }

    @Test
    void metadataBeyondItsBoundsIsRefusedNamingTheLimitAndNothingIsWritten() throws Exception {
        String big = "v".repeat(1 << 20);
        ApiCluster.Raw r = patch("[" + op(M1, "role", "web") + "," + op(M1, "disk", big) + "]");
        assertEquals(400, r.status(), r.body().substring(0, Math.min(300, r.body().length())));
        assertTrue(message(r).contains("operation 1: metadata value of 1048576 bytes for key disk; the limit is 255"), message(r));
        assertTrue(r.body().length() < 1000, "the value is not echoed");

        assertTrue(message(patch("[" + op(M1, "k".repeat(64), "x") + "]")).contains("the limit is 63"));
        for (String id : List.of("..", "a\u0000b", "a\nb", "x".repeat(100_000), "A".repeat(32))) {
            ApiCluster.Raw bad = patch("[" + op(id, "role", "x") + "]");
            assertEquals(400, bad.status(), id.length() + "");
            assertTrue(bad.body().length() < 1000);
        }
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= MetadataOverride.MAX_KEYS_PER_MACHINE; i++) {
            many.append(i == 0 ? "" : ",").append(op(M1, "k" + i, "v"));
        }
        ApiCluster.Raw tooMany = patch(many.append("]").toString());
        assertEquals(400, tooMany.status());
        assertTrue(message(tooMany).contains("65 metadata overrides; the limit is 64 keys per machine"), message(tooMany));
        assertEquals(Map.of(), api.registry.metadataOverrides(M1).value(), "nothing written");
    }

    private ApiCluster.Raw patch(String body) throws Exception {
        return api.raw("PATCH", "/fleet/v1/machines", "application/json", body);
    }

    private static String op(String machine, String key, String value) throws Exception {
        JsonValue path = Json.tree("/" + machine + "/metadata/" + key);
        return "{\"op\":\"add\",\"path\":" + path + ",\"value\":{\"value\":" + Json.tree(value) + "}}";
    }
}
