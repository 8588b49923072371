package dev.flotilla.api.server;

import dev.flotilla.json.Json;
import dev.flotilla.api.ApiException;
import dev.flotilla.api.UnitResult;
import dev.flotilla.api.UnitSubmission;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /flotilla/v1/units against a real etcd: per-unit answers, whole-body checks first. */
@Tag("etcd")
class UnitBatchApiTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String TEXT = "[Service]\nExecStart=/bin/sleep infinity\n";
    private static final String GLOBAL = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\n";

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
    }

    private static UnitSubmission unit(String name, String text, DesiredState desired, boolean replace) {
        return new UnitSubmission(name, text, desired == null ? null : desired.fleetName(), replace ? Boolean.TRUE : null);
    }

    /** The unit record's modification revision: what a write of it answers. */
    private long rev(String name) {
        return api.registry.unit(name).orElseThrow().revision();
    }

    @Test
    void everyUnitGetsTheAnswerItsOwnPutWouldHaveGot() {
        api.client.submit("same.service", TEXT, DesiredState.LOADED, false);
        api.client.submit("differs.service", TEXT, null, false);
        api.client.submit("replaced.service", TEXT, DesiredState.LAUNCHED, false);
        api.client.submit("state.service", TEXT, null, false);
        String changed = TEXT.replace("infinity", "5");

        List<UnitResult> results = api.client.submitAll(List.of(
                unit("new.service", TEXT, DesiredState.LAUNCHED, false),
                unit("same.service", TEXT, null, false),
                unit("differs.service", changed, DesiredState.LAUNCHED, false),
                unit("replaced.service", changed, null, true),
                unit("state.service", null, DesiredState.LOADED, false),
                unit("missing.service", null, DesiredState.LOADED, false),
                unit("g.service", GLOBAL, null, false)));

        String hash = UnitFile.parse("x.service", TEXT).hash();
        String changedHash = UnitFile.parse("x.service", changed).hash();
        assertEquals(List.of(201, 200, 409, 200, 200, 404, 201), results.stream().map(UnitResult::code).toList());
        assertEquals(new UnitResult("new.service", 201, "created", hash, "launched", null, rev("new.service")), results.get(0));
        assertEquals(new UnitResult("same.service", 200, "unchanged", hash, "loaded", null), results.get(1),
                "nothing written: no revision to wait for");
        assertTrue(results.get(2).error().contains("differs from the one in the cluster"), results.get(2).error());
        assertEquals(new UnitResult("replaced.service", 200, "replaced", changedHash, "launched", null, rev("replaced.service")),
                results.get(3));
        assertEquals(new UnitResult("state.service", 200, "updated", hash, "loaded", null, rev("state.service")), results.get(4));
        assertTrue(results.get(5).error().contains("does not exist"), results.get(5).error());

        assertEquals(TEXT, api.registry.unit("differs.service").orElseThrow().value().text(), "a 409 writes nothing");
        assertEquals(DesiredState.INACTIVE, api.registry.unit("differs.service").orElseThrow().value().desired());
        assertEquals(changed, api.registry.unit("replaced.service").orElseThrow().value().text());
        assertEquals(DesiredState.LOADED, api.registry.unit("state.service").orElseThrow().value().desired());
        assertTrue(api.registry.unit("missing.service").isEmpty());
        assertEquals(List.of("g.service"), api.registry.globalUnits().value().stream().map(UnitRecord::name).toList());
    }

    @Test
    void oneInvalidUnitRefusesTheWholeBodyNamingIt() {
        List<UnitSubmission> units = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            units.add(unit("u" + i + ".service", TEXT, DesiredState.LAUNCHED, false));
        }
        units.set(17, unit("u17.service", "[Service]\nExecStart=/bin/true\nno equals sign here\n", null, false));
        ApiException e = assertThrows(ApiException.class, () -> api.client.submitAll(units));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("units[17] (u17.service): unit u17.service is invalid: line 3"), e.getMessage());

        units.set(17, unit("u17.service", TEXT, null, false));
        units.set(20, unit("t@.service", TEXT, DesiredState.LAUNCHED, false));
        e = assertThrows(ApiException.class, () -> api.client.submitAll(units));
        assertTrue(e.getMessage().startsWith("units[20] (t@.service): cannot launch template"), e.getMessage());

        units.set(20, unit("../x.service", TEXT, null, false));
        assertTrue(assertThrows(ApiException.class, () -> api.client.submitAll(units)).getMessage()
                .startsWith("units[20] (../x.service): invalid unit name"));
        units.set(20, unit("u3.service", TEXT, null, false));
        assertTrue(assertThrows(ApiException.class, () -> api.client.submitAll(units)).getMessage()
                .contains("u3.service is given more than once"));
        units.set(20, unit("u20.service", TEXT, DesiredState.LAUNCHED, false));
        units.set(21, new UnitSubmission("u21.service", TEXT, "running", null));
        assertTrue(assertThrows(ApiException.class, () -> api.client.submitAll(units)).getMessage()
                .startsWith("units[21] (u21.service): invalid desiredState"));
        assertEquals(List.of(), api.registry.units().value(), "nothing written by any refused body");

        units.set(21, unit("u21.service", TEXT, DesiredState.LAUNCHED, false));
        assertTrue(api.client.submitAll(units).stream().allMatch(r -> r.code() == 201));
        assertEquals(30, api.registry.units().value().size());
    }

    @Test
    void aLargeBatchLandsAndASecondOneOnlySetsStates() {
        List<UnitSubmission> units = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            units.add(unit(String.format("w%04d.service", i), i % 10 == 0 ? GLOBAL : TEXT, null, false));
        }
        long before = api.registry.units().revision();
        assertTrue(api.client.submitAll(units).stream().allMatch(r -> r.code() == 201));
        long revisions = api.registry.units().revision() - before;
        assertTrue(revisions <= 15, "1,100 operations in transactions of 100: " + revisions + " revisions");
        assertEquals(100, api.registry.globalUnits().value().size());

        List<UnitSubmission> start = units.stream().map(u -> unit(u.name(), null, DesiredState.LAUNCHED, false)).toList();
        List<UnitResult> started = api.client.submitAll(start);
        assertTrue(started.stream().allMatch(r -> r.code() == 200 && r.change().equals("updated")));
        assertTrue(api.registry.units().value().stream().allMatch(u -> u.desired() == DesiredState.LAUNCHED));
        assertEquals("unchanged", api.client.submitAll(start).get(999).change());
    }

    @Test
    void bodyMistakesAre400413Or415() throws Exception {
        assertEquals(415, api.raw("POST", "/flotilla/v1/units", "text/plain", "[]").status());
        assertEquals(400, api.raw("POST", "/flotilla/v1/units", "application/json", "{\"name\":\"a.service\"}").status());
        assertEquals(400, api.raw("POST", "/flotilla/v1/units", "application/json", "[null]").status());
        assertTrue(api.raw("POST", "/flotilla/v1/units", "application/json", "[{\"name\":\"a.service\",\"txt\":\"\"}]")
                .body().contains("unknown field 'txt'"));
        assertEquals(200, api.raw("POST", "/flotilla/v1/units", "application/json", "[]").status());

        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= UnitBatch.MAX_UNITS; i++) {
            many.append(i == 0 ? "" : ",").append("{\"name\":\"m").append(i).append(".service\"}");
        }
        assertEquals(413, api.raw("POST", "/flotilla/v1/units", "application/json", many.append("]").toString()).status());
        byte[] huge = ("[{\"name\":\"a.service\",\"text\":\"" + "a".repeat(Exchange.MAX_BODY_BYTES) + "\"}]")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(413, api.raw("POST", "/flotilla/v1/units", "application/json", huge).status());
        ApiCluster.Raw wrong = api.raw("PUT", "/flotilla/v1/units", "application/json", "[]");
        assertEquals(405, wrong.status());
        assertEquals("GET, POST", wrong.headers().get("Allow"));
        assertEquals(List.of(), api.registry.units().value());
        Json.parse(wrong.body());
    }
}
