package dev.flotilla.api.server;

import dev.flotilla.json.JsonValue;
import dev.flotilla.json.Json;
import dev.flotilla.api.ApiException;
import dev.flotilla.api.UnitChange;
import dev.flotilla.api.UnitDetail;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitStateEntry;
import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flotilla's own unit resource: exact text, replace rules, validation, and the one-call listing. */
@Tag("etcd")
class FlotillaApiTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String M1 = "a".repeat(32);
    private static final String M2 = "b".repeat(32);
    /** CRLF, a comment, trailing blanks, a continuation, non-ASCII, no final newline: all kept. */
    private static final String ODD_TEXT = "# web\r\n[Unit]\r\nDescription=Wéb  \r\n\r\n[Service]\r\n"
            + "ExecStart=/bin/sh -c \\\r\n  'sleep 1'\r\n;end";
    private static final String TEXT = "[Unit]\nDescription=Web\n\n[Service]\nExecStart=/bin/sleep infinity\n";

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
    }

    private static JsonValue error(ApiCluster.Raw r, int code) throws Exception {
        assertEquals(code, r.status(), r.body());
        JsonValue body = Json.parse(r.body());
        assertEquals(code, body.path("error").path("code").asInt(), r.body());
        return body;
    }

    private static String message(ApiCluster.Raw r, int code) throws Exception {
        return error(r, code).path("error").path("message").asText();
    }

    private static String put(String text, String desired, Boolean replace) throws Exception {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        if (text != null) {
            body.put("text", text);
        }
        if (desired != null) {
            body.put("desiredState", desired);
        }
        if (replace != null) {
            body.put("replace", replace);
        }
        return Json.writeString(body);
    }

    @Test
    void theTextComesBackByteForByte() {
        UnitChange c = api.client.submit("web.service", ODD_TEXT, null, false);
        assertEquals(new UnitChange("created", "web.service", UnitFile.parse("web.service", ODD_TEXT).hash(), "inactive",
                api.registry.unit("web.service").orElseThrow().revision()), c);

        UnitDetail d = api.unixClient.unitDetail("web.service").orElseThrow();
        assertEquals(ODD_TEXT, d.text());
        assertEquals(c.hash(), d.hash());
        assertEquals("Wéb", d.description());
        assertEquals("inactive", d.currentState());
        assertFalse(d.global());
    }

    @Test
    void aListingOfManyChunksArrivesWholeWithItsLength() throws Exception {
        dev.flotilla.registry.MachinePresence m = api.machine(M1, "10.0.0.1", java.util.Map.of());
        java.util.List<dev.flotilla.model.UnitState> states = new java.util.ArrayList<>();
        for (int i = 0; i < 600; i++) {
            states.add(new dev.flotilla.model.UnitState(M1, String.format("u%04d.service", 599 - i), "h" + i, "loaded",
                    "active", "running"));
        }
        api.registry.publishStates(m, states);

        ApiCluster.Raw r = api.raw("GET", "/flotilla/v1/units?include=states", null, (String) null);

        assertEquals(200, r.status(), r.body());
        byte[] body = r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(body.length > 64 << 10, "more than one chunk: " + body.length + " bytes");
        assertEquals(String.valueOf(body.length), r.headers().get("Content-Length"), "the length, not chunked transfer");
        JsonValue listed = Json.parse(r.body()).path("states");
        assertEquals(600, listed.size());
        assertEquals("u0000.service", listed.get(0).path("name").asText());
        assertEquals("u0599.service", listed.get(599).path("name").asText());
    }

    @Test
    void sameTextIsUnchangedDifferentTextNeedsReplace() throws Exception {
        api.client.submit("web.service", TEXT, DesiredState.LAUNCHED, false);
        assertEquals("unchanged", api.client.submit("web.service", TEXT, null, false).change());

        String changed = TEXT.replace("infinity", "5");
        ApiException e = assertThrows(ApiException.class, () -> api.client.submit("web.service", changed, null, false));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("differs from the one in the cluster"), e.getMessage());
        assertEquals(TEXT, api.registry.unit("web.service").orElseThrow().value().text());

        UnitChange r = api.client.submit("web.service", changed, null, true);
        assertEquals("replaced", r.change());
        assertEquals("launched", r.desiredState(), "the desired state is kept");
        assertEquals(changed, api.client.unitDetail("web.service").orElseThrow().text());
    }

    @Test
    void theDesiredStateMovesToAnyTarget() throws Exception {
        api.client.submit("web.service", TEXT, null, false);
        UnitChange updated = api.client.setDesiredState("web.service", DesiredState.LAUNCHED);
        assertEquals(new UnitChange("updated", "web.service", UnitFile.parse("web.service", TEXT).hash(), "launched",
                api.registry.unit("web.service").orElseThrow().revision()), updated, "inactive -> launched in one call");
        assertEquals("unchanged", api.client.setDesiredState("web.service", DesiredState.LAUNCHED).change());
        assertEquals("inactive", api.client.setDesiredState("web.service", DesiredState.INACTIVE).desiredState());

        ApiException absent = assertThrows(ApiException.class, () -> api.client.setDesiredState("db.service", DesiredState.LOADED));
        assertEquals(404, absent.status());
        assertTrue(message(api.raw("PUT", "/flotilla/v1/units/web.service", "application/json", put(null, "started", null)), 400)
                .contains("started"));
    }

    @Test
    void brokenUnitsAreRefusedWithTheLineAndNothingIsWritten() throws Exception {
        String broken = "[Service]\nExecStart=/bin/true\nthis line has no equals sign\n";
        ApiException e = assertThrows(ApiException.class, () -> api.client.submit("web.service", broken, DesiredState.LAUNCHED, false));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("unit web.service is invalid: line 3: "), e.getMessage());

        api.client.submit("web.service", TEXT, null, false);
        ApiException onReplace = assertThrows(ApiException.class, () -> api.client.submit("web.service", broken, null, true));
        assertEquals(400, onReplace.status());
        assertEquals(TEXT, api.registry.unit("web.service").orElseThrow().value().text());
        assertEquals(1, api.registry.units().value().size());
    }

    @Test
    void badResourceValuesAreRefusedWithTheLineByBothApis() throws Exception {
        String lots = "[Service]\nExecStart=/bin/true\nMemoryMax=lots\n";
        ApiException e = assertThrows(ApiException.class, () -> api.client.submit("web.service", lots, DesiredState.LAUNCHED, false));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("unit web.service is invalid: line 3: MemoryMax 'lots' is not a size"), e.getMessage());
        ApiException fleet = assertThrows(ApiException.class, () -> api.client.putUnit(new dev.flotilla.api.Unit("db.service",
                List.of(new dev.flotilla.api.Unit.Option("Service", "ExecStart", "/bin/true"),
                        new dev.flotilla.api.Unit.Option("Service", "CPUQuota", "0%")), "launched", null, null)));
        assertEquals(400, fleet.status());
        assertTrue(fleet.getMessage().contains("line 3: CPUQuota '0%' is 0"), fleet.getMessage());
        assertEquals(0, api.registry.units().value().size(), "nothing was written");
    }

    @Test
    void templatesMayBeSubmittedAndLoadedButNeverLaunched() throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> api.client.submit("web@.service", TEXT, DesiredState.LAUNCHED, false));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("web@1.service"), e.getMessage());
        assertTrue(api.registry.units().value().isEmpty());

        assertEquals("created", api.client.submit("web@.service", TEXT, null, false).change());
        assertEquals(400, assertThrows(ApiException.class,
                () -> api.client.setDesiredState("web@.service", DesiredState.LAUNCHED)).status());
        api.client.setDesiredState("web@.service", DesiredState.LOADED); // installed for an Accept=yes socket
        assertEquals("created", api.client.submit("web@1.service", TEXT, DesiredState.LAUNCHED, false).change());
    }

    @ParameterizedTest
    @ValueSource(strings = {"..%2Fx.service", "%2E%2E", "a%2Fb.service", "..", "x..service", ".hidden.service",
            "web", "web.bogus", "%40web.service", "we%20b.service", "a%5C%2F.service"})
    void hostileOrInvalidNamesAre400(String encodedName) throws Exception {
        String body = put(TEXT, null, null);
        assertTrue(message(api.raw("PUT", "/flotilla/v1/units/" + encodedName, "application/json", body), 400)
                .startsWith("invalid unit name"));
        message(api.raw("GET", "/flotilla/v1/units/" + encodedName, null, (String) null), 400);
        message(api.raw("DELETE", "/fleet/v1/units/" + encodedName, null, (String) null), 400);
        assertTrue(api.registry.units().value().isEmpty());
    }

    /** 255 characters is systemd's limit and the agent's file name limit; longer is 400 before anything is written. */
    @Test
    void unitNamesLongerThanSystemdAndAFileNameAcceptAre400() throws Exception {
        String longest = "a".repeat(255 - ".service".length()) + ".service";
        String tooLong = "a" + longest;
        String body = put(TEXT, null, null);
        for (String path : List.of("/flotilla/v1/units/", "/fleet/v1/units/")) {
            String m = message(api.raw("PUT", path + tooLong, "application/json",
                    path.startsWith("/fleet") ? "{\"desiredState\":\"loaded\",\"options\":[]}" : body), 400);
            assertTrue(m.contains("is 256 characters; at most 255"), m);
        }
        String template = "a".repeat(255 - "@.service".length()) + "@.service";
        String m = message(api.raw("PUT", "/flotilla/v1/units/" + template, "application/json", body), 400);
        assertTrue(m.contains("is 255 characters; at most 254"), m);
        String batch = "[{\"name\":\"ok.service\",\"text\":\"[Service]\\n\"},{\"name\":\"" + tooLong + "\",\"text\":\"[Service]\\n\"}]";
        m = message(api.raw("POST", "/flotilla/v1/units", "application/json", batch), 400);
        assertTrue(m.contains("units[1]") && m.contains("at most 255"), m);
        assertTrue(api.registry.units().value().isEmpty(), "nothing written");

        assertEquals("created", api.client.submit(longest, TEXT, null, false).change());
        assertEquals(201, api.raw("PUT", "/flotilla/v1/units/" + template.substring(1), "application/json", body).status());
    }

    @Test
    void hostileNamesThroughTheClientAreRefusedToo() {
        for (String name : List.of("../x.service", "..", "a/b.service", "x.service/..")) {
            ApiException e = assertThrows(ApiException.class, () -> api.client.submit(name, TEXT, null, false), name);
            assertEquals(400, e.status(), name + ": " + e.getMessage());
        }
        assertTrue(api.registry.units().value().isEmpty());
    }

    @Test
    void dotSegmentsInTheRawPathNeverReachAUnit() throws Exception {
        api.client.submit("web.service", TEXT, null, false);
        error(api.raw("GET", "/flotilla/v1/units/../units/web.service", null, (String) null), 404);
        error(api.raw("DELETE", "/flotilla/v1/units/x/../web.service", null, (String) null), 404);
        assertTrue(api.registry.unit("web.service").isPresent());
    }

    @Test
    void oversizeTextAndOversizeBodiesAre413() throws Exception {
        String big = "[Service]\n" + ("X-Pad=" + "a".repeat(1000) + "\n").repeat(UnitFile.MAX_BYTES / 1000);
        assertTrue(big.length() > UnitFile.MAX_BYTES);
        ApiException e = assertThrows(ApiException.class, () -> api.client.submit("big.service", big, null, false));
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("524288"), e.getMessage());

        byte[] huge = ("{\"text\":\"" + "a".repeat(Exchange.MAX_BODY_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        error(api.raw("PUT", "/flotilla/v1/units/big.service", "application/json", huge), 413);
        assertTrue(api.registry.units().value().isEmpty());
    }

    @Test
    void requestBodyMistakesAre400Or415() throws Exception {
        error(api.raw("PUT", "/flotilla/v1/units/web.service", "text/plain", put(TEXT, null, null)), 415);
        error(api.raw("PUT", "/flotilla/v1/units/web.service", null, put(TEXT, null, null)), 415);
        assertTrue(message(api.raw("PUT", "/flotilla/v1/units/web.service", "application/json", "{\"txt\":\"x\"}"), 400)
                .contains("unknown field 'txt'"));
        error(api.raw("PUT", "/flotilla/v1/units/web.service", "application/json", "{\"text\":"), 400);
        error(api.raw("PUT", "/flotilla/v1/units/web.service", "application/json", "null"), 400);
        error(api.raw("PUT", "/flotilla/v1/units/web.service", "application/json", ""), 400);
        error(api.raw("PUT", "/flotilla/v1/units/web.service", "application/json", "[1]"), 400);
        assertTrue(api.registry.units().value().isEmpty());
    }

    /**
     * A key given twice is refused, naming it: with "last wins" a body naming two units would
     * create the second, whatever a proxy or log that read the first believed. The fleet family
     * refuses it too (no fleet client sends one: Go's encoder never does).
     */
    @Test
    void aKeyGivenTwiceIs400NamingItAndNothingIsWritten() throws Exception {
        String m = message(api.raw("PUT", "/flotilla/v1/units/web.service", "application/json",
                "{\"text\":\"[Service]\\n\",\"desiredState\":\"loaded\",\"desiredState\":\"launched\"}"), 400);
        assertTrue(m.contains("duplicate key 'desiredState'"), m);
        m = message(api.raw("POST", "/flotilla/v1/units", "application/json",
                "[{\"name\":\"a.service\",\"text\":\"[Service]\\n\",\"name\":\"b.service\"}]"), 400);
        assertTrue(m.contains("duplicate key 'name'"), m);
        m = message(api.raw("PUT", "/fleet/v1/units/web.service", "application/json",
                "{\"desiredState\":\"loaded\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\",\"value\":\"/bin/false\"}]}"), 400);
        assertTrue(m.contains("duplicate key 'value'"), m);
        m = message(api.raw("PATCH", "/fleet/v1/machines", "application/json",
                "[{\"op\":\"add\",\"path\":\"/" + "a".repeat(32) + "/metadata/x\",\"value\":\"1\",\"path\":\"/" + "b".repeat(32) + "/metadata/x\"}]"), 400);
        assertTrue(m.contains("duplicate key 'path'"), m);
        assertTrue(api.registry.units().value().isEmpty());
        assertTrue(api.registry.metadataOverrides("a".repeat(32)).value().isEmpty());
        assertTrue(api.registry.metadataOverrides("b".repeat(32)).value().isEmpty());
        // The same key in two different objects is no duplicate.
        assertEquals(200, api.raw("POST", "/flotilla/v1/units", "application/json",
                "[{\"name\":\"a.service\",\"text\":\"[Service]\\n\"},{\"name\":\"b.service\",\"text\":\"[Service]\\n\"}]").status());
    }

    @Test
    void unknownPathsWrongMethodsAndJettysOwnErrorsUseTheErrorBody() throws Exception {
        error(api.raw("GET", "/flotilla/v1/nothing", null, (String) null), 404);
        error(api.raw("GET", "/", null, (String) null), 404);
        ApiCluster.Raw r = api.raw("POST", "/flotilla/v1/units/web.service", "application/json", "{}");
        error(r, 405);
        assertEquals("GET, PUT, DELETE", r.headers().get("Allow"));
        error(api.raw("GET", "/flotilla/v1/units/%zz.service", null, (String) null), 400);
        ApiCluster.Raw tooLong = api.raw("GET", "/flotilla/v1/units/" + "a".repeat(20_000) + ".service", null, (String) null);
        assertEquals(tooLong.status() / 100, 4, tooLong.body());
        assertTrue(tooLong.body().startsWith("{\"error\":{\"code\":4"), tooLong.body());
    }

    @Test
    void aListingOfManyNamedUnitsDoesNotOverflowTheRequestLine() {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            names.add(String.format("a-rather-long-unit-name-number-%04d.service", i));
        }
        api.client.submit(names.get(7), TEXT, null, false);
        api.client.submit("other.service", TEXT, null, false);
        assertEquals(List.of(names.get(7)), api.client.listing(names).units().stream().map(UnitFileEntry::name).toList());
    }

    @Test
    void anUnknownListingPartIs400() throws Exception {
        assertTrue(message(api.raw("GET", "/flotilla/v1/units?include=machines", null, (String) null), 400)
                .contains("include=machines"));
        assertEquals(200, api.raw("GET", "/flotilla/v1/units?include=units,states", null, (String) null).status());
    }

    @Test
    void deleteIs204Then404() {
        api.client.submit("web.service", TEXT, null, false);
        assertTrue(api.client.deleteUnit("web.service"));
        assertFalse(api.client.deleteUnit("web.service"));
        assertTrue(api.client.unitDetail("web.service").isEmpty());
    }

    @Test
    void aRememberedFailureShowsInTheListingAndTheUnitButNotInFleetsApi() throws Exception {
        String web = api.client.submit("web.service", TEXT, DesiredState.LAUNCHED, false).hash();
        assertEquals(0, api.client.listing().units().get(0).rescheduleAttempts());
        assertEquals("", api.client.listing().units().get(0).lastFailure());
        api.failure(new dev.flotilla.model.UnitFailure("web.service", web, 1, List.of(M1),
                "failed on " + M1 + " (failed/failed)", 1_767_225_600_000L, 1_767_225_601_000L));

        UnitFileEntry e = api.client.listing().units().get(0);
        assertEquals(1, e.rescheduleAttempts());
        assertEquals("failed on " + M1 + " (failed/failed)", e.lastFailure());
        assertEquals("2026-01-01T00:00:00Z", e.lastFailureAt());
        UnitDetail d = api.client.unitDetail("web.service").orElseThrow();
        assertEquals(1, d.rescheduleAttempts());
        assertEquals(e.lastFailure(), d.lastFailure());
        String fleet = api.raw("GET", "/fleet/v1/units/web.service", null, (String) null).body();
        assertFalse(fleet.contains("lastFailure") || fleet.contains("rescheduleAttempts"), fleet);
    }

    @Test
    void aWriteTellsItsRevisionAndTheListingCarriesTheStartMarkerWhileFleetsStateStaysFleets() throws Exception {
        MachinePresence m1 = api.machine(M1, "127.0.0.10", Map.of());
        UnitChange created = api.client.submit("web.service", TEXT, null, false);
        assertEquals(api.registry.unit("web.service").orElseThrow().revision(), created.revision());
        UnitChange started = api.client.setDesiredState("web.service", DesiredState.LAUNCHED);
        assertTrue(started.revision() > created.revision(), started + " after " + created);
        assertEquals(api.registry.unit("web.service").orElseThrow().revision(), started.revision(), "the write's own revision");
        UnitChange again = api.client.setDesiredState("web.service", DesiredState.LAUNCHED);
        assertEquals("unchanged", again.change());
        assertFalse(again.changedSomething());
        assertEquals(started.revision(), again.revision(), "nothing written: the unit's revision as it is");
        // the batch answers a revision per unit
        var results = api.client.submitAll(List.of(new dev.flotilla.api.UnitSubmission("db.service", TEXT, "loaded", null),
                new dev.flotilla.api.UnitSubmission("web.service", null, "loaded", null)));
        assertEquals(api.registry.unit("db.service").orElseThrow().revision(), results.get(0).revision());
        assertEquals(api.registry.unit("web.service").orElseThrow().revision(), results.get(1).revision());

        api.registry.publishStates(m1, List.of(new dev.flotilla.model.UnitState(M1, "web.service", created.hash(), "loaded",
                "failed", "failed", started.revision(), 3, 1_700_000_000_000_000L)));
        UnitStateEntry s = api.client.listing().states().get(0);
        assertEquals(started.revision(), s.answers());
        assertEquals(3, s.restarts());
        assertEquals(1_700_000_000_000_000L, s.sinceMicros());
        JsonValue flotilla = Json.parse(api.raw("GET", "/flotilla/v1/units", null, (String) null).body());
        assertTrue(flotilla.toString().contains("\"answers\":" + started.revision()), flotilla.toString());
        JsonValue fleet = Json.parse(api.raw("GET", "/fleet/v1/state", null, (String) null).body());
        assertEquals(List.of("hash", "machineID", "name", "systemdActiveState", "systemdLoadState", "systemdSubState"),
                sortedFields(fleet.get("states").get(0)), "fleet's v1 state is fleet's, nothing added");
    }

    private static List<String> sortedFields(JsonValue node) {
        List<String> names = new java.util.ArrayList<>();
        names.addAll(node.fieldNames());
        java.util.Collections.sort(names);
        return names;
    }

    @Test
    void theListingHasEverythingBothListCommandsShow() {
        MachinePresence m1 = api.machine(M1, "127.0.0.10", Map.of());
        MachinePresence m2 = api.machine(M2, "127.0.0.11", Map.of());
        String web = api.client.submit("web.service", TEXT, DesiredState.LAUNCHED, false).hash();
        api.client.submit("db.service", "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineMetadata=disk=ssd\n",
                DesiredState.LAUNCHED, false);
        String mon = api.client.submit("mon.service", "[Unit]\nDescription=Monitor\n[Service]\nExecStart=/bin/true\n"
                + "[X-Fleet]\nGlobal=true\n", DesiredState.LAUNCHED, false).hash();
        api.engine(new AssignmentChange.Assign(new Assignment(M2, "web.service", web, DesiredState.LAUNCHED)),
                new AssignmentChange.Waiting("db.service", "no machine has metadata disk=ssd"));
        api.publish(m2, "web.service", web, "loaded", "active", "running");
        api.publish(m1, "mon.service", mon, "loaded", "active", "running");
        api.publish(m2, "mon.service", mon, "loaded", "activating", "start");
        api.publish(m1, "gone.service", "h", "loaded", "deactivating", "stop-sigterm");

        UnitListing l = api.client.listing();
        assertEquals(List.of(
                new UnitFileEntry("db.service", l.units().get(0).hash(), "launched", "inactive", "", "", false, "",
                        "no machine has metadata disk=ssd"),
                new UnitFileEntry("mon.service", mon, "launched", "launched", "", "", true, "Monitor", ""),
                new UnitFileEntry("web.service", web, "launched", "launched", M2, "127.0.0.11", false, "Web", "")), l.units());
        assertEquals(List.of(
                new UnitStateEntry("gone.service", M1, "127.0.0.10", "h", "loaded", "deactivating", "stop-sigterm"),
                new UnitStateEntry("mon.service", M1, "127.0.0.10", mon, "loaded", "active", "running"),
                new UnitStateEntry("mon.service", M2, "127.0.0.11", mon, "loaded", "activating", "start"),
                new UnitStateEntry("web.service", M2, "127.0.0.11", web, "loaded", "active", "running")), l.states());

        UnitListing only = api.client.listing(List.of("web.service", "gone.service"));
        assertEquals(List.of("web.service"), only.units().stream().map(UnitFileEntry::name).toList());
        assertEquals(List.of("gone.service", "web.service"), only.states().stream().map(UnitStateEntry::name).toList());

        UnitListing statesOnly = api.client.listing(List.of(), EnumSet.of(UnitListing.Part.STATES));
        assertEquals(List.of(), statesOnly.units());
        assertEquals(l.states(), statesOnly.states());
        UnitListing unitsOnly = api.client.listing(List.of("db.service"), EnumSet.of(UnitListing.Part.UNITS));
        assertEquals(List.of(l.units().get(0)), unitsOnly.units());
        assertEquals(List.of(), unitsOnly.states());

        UnitDetail d = api.client.unitDetail("web.service").orElseThrow();
        assertEquals(M2, d.machineID());
        assertEquals("127.0.0.11", d.machineIP());
        assertEquals("no machine has metadata disk=ssd", api.client.unitDetail("db.service").orElseThrow().waiting());
    }
}
