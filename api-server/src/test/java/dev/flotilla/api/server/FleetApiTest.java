package dev.flotilla.api.server;

import dev.flotilla.json.JsonValue;
import dev.flotilla.json.Json;
import dev.flotilla.api.ApiException;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitStateEntity;
import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.model.UnitRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fleet v1's units and state resources: shapes, status codes and error bodies, against a real etcd. */
@Tag("etcd")
class FleetApiTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String M1 = "a".repeat(32);
    private static final String M2 = "b".repeat(32);

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
    }

    private static List<Unit.Option> web() {
        return List.of(new Unit.Option("Unit", "Description", "Web"),
                new Unit.Option("Service", "ExecStart", "/bin/sleep infinity"));
    }

    private static JsonValue error(ApiCluster.Raw r, int code) throws Exception {
        assertEquals(code, r.status(), r.body());
        assertEquals("application/json", r.headers().get("Content-Type"));
        JsonValue body = Json.parse(r.body());
        assertEquals(code, body.path("error").path("code").asInt(), r.body());
        assertFalse(body.path("error").path("message").asText().isEmpty(), r.body());
        return body;
    }

    @Test
    void aUnitIsCreatedFromItsOptionsAndReadBackInFleetsShape() throws Exception {
        assertTrue(api.client.putUnit(new Unit("web.service", web(), "launched", null, null)));

        Unit u = api.client.unit("web.service").orElseThrow();
        assertEquals(new Unit("web.service", web(), "launched", "inactive", null), u);
        UnitRecord stored = api.registry.unit("web.service").orElseThrow().value();
        assertEquals("[Unit]\nDescription=Web\n\n[Service]\nExecStart=/bin/sleep infinity\n", stored.text());

        JsonValue raw = Json.parse(api.raw("GET", "/fleet/v1/units/web.service", null, (String) null).body());
        assertEquals(Set.of("name", "options", "desiredState", "currentState"), fieldNames(raw),
                "fleet omits empty fields such as machineID");
        assertEquals("Service", raw.path("options").get(1).path("section").asText());
        assertEquals("ExecStart", raw.path("options").get(1).path("name").asText());
    }

    @Test
    void currentStateFollowsWhatTheMachineDidAsFleetsDid() {
        MachinePresence m1 = api.machine(M1, "127.0.0.10", Map.of());
        api.client.putUnit(new Unit("web.service", web(), "loaded", null, null));
        String hash = api.registry.unit("web.service").orElseThrow().value().hash();
        api.engine(new AssignmentChange.Assign(new Assignment(M1, "web.service", hash, DesiredState.LOADED)));
        assertEquals(new Unit("web.service", web(), "loaded", "inactive", M1), api.client.unit("web.service").orElseThrow(),
                "assigned, but its machine reports nothing yet");

        api.publish(m1, "web.service", hash, "loaded", "inactive", "dead");
        assertEquals(new Unit("web.service", web(), "loaded", "loaded", M1), api.client.unit("web.service").orElseThrow());

        api.engine(new AssignmentChange.Assign(new Assignment(M1, "web.service", hash, DesiredState.LAUNCHED)));
        assertEquals("launched", api.client.unit("web.service").orElseThrow().currentState());
        assertEquals("launched", api.client.units().get(0).currentState());

        api.publish(m1, "web.service", hash, "loaded", "active", "running");
        api.engine(new AssignmentChange.Assign(new Assignment(M1, "web.service", hash, DesiredState.LOADED)));
        assertEquals("launched", api.client.unit("web.service").orElseThrow().currentState(),
                "asked to stop, still running: the agent has not acted yet");
        api.publish(m1, "web.service", hash, "loaded", "inactive", "dead");
        assertEquals("loaded", api.client.unit("web.service").orElseThrow().currentState());
        assertEquals("loaded", api.client.units().get(0).currentState());
    }

    @Test
    void anExistingUnitTakesADesiredStateAloneWith204() throws Exception {
        api.client.putUnit(new Unit("web.service", web(), "inactive", null, null));
        assertFalse(api.client.putUnit(new Unit("web.service", List.of(), "launched", null, null)));
        assertEquals("launched", api.client.unit("web.service").orElseThrow().desiredState());

        ApiCluster.Raw r = api.raw("PUT", "/fleet/v1/units/web.service", "application/json", "{\"desiredState\":\"loaded\"}");
        assertEquals(204, r.status());
        assertEquals("", r.body());
        assertEquals(DesiredState.LOADED, api.registry.unit("web.service").orElseThrow().value().desired());

        // Same options and a desired state: still only the state changes.
        assertFalse(api.client.putUnit(new Unit("web.service", web(), "inactive", null, null)));
        assertEquals("inactive", api.client.unit("web.service").orElseThrow().desiredState());
    }

    @Test
    void differentOptionsCreateTheUnitAnewWith201() {
        api.client.putUnit(new Unit("web.service", web(), "launched", null, null));
        List<Unit.Option> changed = List.of(new Unit.Option("Service", "ExecStart", "/bin/sleep 5"));
        assertTrue(api.client.putUnit(new Unit("web.service", changed, null, null, null)));
        Unit u = api.client.unit("web.service").orElseThrow();
        assertEquals(changed, u.options());
        assertEquals("inactive", u.desiredState(), "fleet creates a differing unit anew: without desiredState, inactive");

        List<Unit.Option> again = List.of(new Unit.Option("Service", "ExecStart", "/bin/sleep 6"));
        assertTrue(api.client.putUnit(new Unit("web.service", again, "loaded", null, null)));
        assertEquals("loaded", api.client.unit("web.service").orElseThrow().desiredState(), "the given desired state wins");
    }

    @Test
    void theFlotillaApiStillKeepsTheDesiredStateOfAReplacedUnit() {
        api.client.submit("web.service", "[Service]\nExecStart=/bin/sleep 1\n", DesiredState.LAUNCHED, false);
        api.client.submit("web.service", "[Service]\nExecStart=/bin/sleep 2\n", null, true);
        assertEquals(DesiredState.LAUNCHED, api.registry.unit("web.service").orElseThrow().value().desired());
    }

    @Test
    void oneUnitStateIsServedAsFleetDid() throws Exception {
        error(api.raw("GET", "/fleet/v1/state/web.service", null, (String) null), 404);
        JsonValue none = Json.parse(api.raw("GET", "/fleet/v1/state/web.service", null, (String) null).body());
        assertEquals("unit state does not exist", none.path("error").path("message").asText());

        MachinePresence m1 = api.machine(M1, "127.0.0.10", Map.of());
        MachinePresence m2 = api.machine(M2, "127.0.0.11", Map.of());
        api.publish(m1, "web.service", "h1", "loaded", "inactive", "dead");
        api.publish(m2, "web.service", "h1", "loaded", "active", "running");
        ApiCluster.Raw r = api.raw("GET", "/fleet/v1/state/web.service", null, (String) null);
        assertEquals(200, r.status(), r.body());
        JsonValue one = Json.parse(r.body());
        assertEquals(Set.of("name", "hash", "machineID", "systemdLoadState", "systemdActiveState", "systemdSubState"),
                fieldNames(one));
        assertEquals(M1, one.path("machineID").asText(), "unassigned: the first machine by id, as fleet");

        api.client.putUnit(new Unit("web.service", web(), "launched", null, null));
        String hash = api.registry.unit("web.service").orElseThrow().value().hash();
        api.engine(new AssignmentChange.Assign(new Assignment(M2, "web.service", hash, DesiredState.LAUNCHED)));
        JsonValue assigned = Json.parse(api.raw("GET", "/fleet/v1/state/web.service", null, (String) null).body());
        assertEquals(M2, assigned.path("machineID").asText(), "the assigned machine's state first");
        assertEquals("active", assigned.path("systemdActiveState").asText());
        assertEquals("running", assigned.path("systemdSubState").asText());
        assertEquals("loaded", assigned.path("systemdLoadState").asText());

        ApiCluster.Raw put = api.raw("PUT", "/fleet/v1/state/web.service", "application/json", "{}");
        error(put, 405);
        assertEquals("GET", put.headers().get("Allow"));
        error(api.raw("DELETE", "/fleet/v1/state/web.service", null, (String) null), 405);
        error(api.raw("GET", "/fleet/v1/state/web.service/x", null, (String) null), 404);
        error(api.raw("GET", "/fleet/v1/state/nodot", null, (String) null), 400);
    }

    @Test
    void machinesLeaveOutEmptyFieldsAsFleetDid() throws Exception {
        try (MachinePresence bareMachine = api.registry.register(new dev.flotilla.model.Machine(M1, "", Map.of(), ""),
                java.time.Duration.ofSeconds(30), "s-bare", java.time.Duration.ZERO)) {
            machinesLeaveOutEmptyFields(bareMachine);
        }
    }

    private void machinesLeaveOutEmptyFields(MachinePresence bareMachine) throws Exception {
        api.machine(M2, "127.0.0.11", Map.of("role", "web"));
        JsonValue machines = Json.parse(api.raw("GET", "/fleet/v1/machines", null, (String) null).body()).path("machines");
        assertEquals(Json.parse("{\"id\":\"" + M1 + "\"}"), machines.get(0));
        assertEquals(Json.parse("{\"id\":\"" + M2 + "\",\"primaryIP\":\"127.0.0.11\",\"metadata\":{\"role\":\"web\"}}"),
                machines.get(1));
        dev.flotilla.api.MachineEntity bare = api.client.machines().get(0);
        assertEquals("", bare.primaryIP(), "the typed client reads a left-out field as empty");
        assertEquals(Map.of(), bare.metadata());
    }

    @Test
    void aNewUnitWithoutOptionsIs409AndAnUpdateWithoutDesiredStateToo() throws Exception {
        error(api.raw("PUT", "/fleet/v1/units/web.service", "application/json", "{\"desiredState\":\"launched\"}"), 409);
        assertTrue(api.registry.unit("web.service").isEmpty());

        api.client.putUnit(new Unit("web.service", web(), "inactive", null, null));
        ApiException e = assertThrows(ApiException.class,
                () -> api.client.putUnit(new Unit("web.service", web(), null, null, null)));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("desiredState"), e.getMessage());
    }

    @Test
    void theContentTypeMustBeJson() throws Exception {
        String body = "{\"desiredState\":\"launched\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}";
        error(api.raw("PUT", "/fleet/v1/units/web.service", null, body), 415);
        error(api.raw("PUT", "/fleet/v1/units/web.service", "text/plain", body), 415);
        assertTrue(api.registry.unit("web.service").isEmpty());
        assertEquals(201, api.raw("PUT", "/fleet/v1/units/web.service", "application/json; charset=utf-8", body).status());
    }

    @Test
    void theNameInTheBodyMustMatchTheUrl() throws Exception {
        JsonValue e = error(api.raw("PUT", "/fleet/v1/units/web.service", "application/json",
                "{\"name\":\"db.service\",\"desiredState\":\"launched\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}"), 400);
        assertTrue(e.path("error").path("message").asText().contains("differs"), e.toString());
        assertTrue(api.registry.units().value().isEmpty());
    }

    @Test
    void invalidUnitsAreRefusedWith400AndTheReason() throws Exception {
        List<Unit.Option> bad = List.of(new Unit.Option("Service", "ExecStart", "/bin/true"),
                new Unit.Option("X-Fleet", "Global", "true"),
                new Unit.Option("X-Fleet", "MachineID", M1));
        ApiException e = assertThrows(ApiException.class, () -> api.client.putUnit(new Unit("web.service", bad, "launched", null, null)));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("MachineID"), e.getMessage());

        ApiException badValue = assertThrows(ApiException.class, () -> api.client.putUnit(new Unit("web.service",
                List.of(new Unit.Option("Service", "ExecStart", "/bin/true\nExecStop=/bin/false")), "launched", null, null)));
        assertEquals(400, badValue.status());
        assertTrue(badValue.getMessage().contains("line break"), badValue.getMessage());

        error(api.raw("PUT", "/fleet/v1/units/web.service", "application/json", "{\"desiredState\":\"running\","
                + "\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}"), 400);
        error(api.raw("PUT", "/fleet/v1/units/web.service", "application/json", "{\"options\":["), 400);
        error(api.raw("PUT", "/fleet/v1/units/web", "application/json",
                "{\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}"), 400);
        assertTrue(api.registry.units().value().isEmpty(), "nothing was written");
    }

    @Test
    void aTemplateMayBeSubmittedButNotLaunched() throws Exception {
        ApiException e = assertThrows(ApiException.class,
                () -> api.client.putUnit(new Unit("web@.service", web(), "launched", null, null)));
        assertEquals(400, e.status());
        assertTrue(api.registry.unit("web@.service").isEmpty());

        assertTrue(api.client.putUnit(new Unit("web@.service", web(), "inactive", null, null)));
        error(api.raw("PUT", "/fleet/v1/units/web@.service", "application/json", "{\"desiredState\":\"launched\"}"), 400);
        assertEquals(DesiredState.INACTIVE, api.registry.unit("web@.service").orElseThrow().value().desired());
        // Loaded = installed beside an Accept=yes socket, never started by the cluster.
        assertEquals(204, api.raw("PUT", "/fleet/v1/units/web@.service", "application/json", "{\"desiredState\":\"loaded\"}").status());
        assertEquals(DesiredState.LOADED, api.registry.unit("web@.service").orElseThrow().value().desired());
    }

    @Test
    void deleteIs204ThenAbsentIs404() throws Exception {
        api.client.putUnit(new Unit("web.service", web(), "inactive", null, null));
        assertEquals(204, api.raw("DELETE", "/fleet/v1/units/web.service", null, (String) null).status());
        error(api.raw("DELETE", "/fleet/v1/units/web.service", null, (String) null), 404);
        error(api.raw("GET", "/fleet/v1/units/web.service", null, (String) null), 404);
        assertTrue(api.client.unit("web.service").isEmpty());
    }

    @Test
    void unitsArePagedByOneHundredWithATokenThatSurvivesChanges() throws Exception {
        for (int i = 0; i < 250; i++) {
            api.registry.createUnit(new UnitRecord(String.format("u%03d.service", i), "[Service]\nExecStart=/bin/true\n",
                    "h", DesiredState.INACTIVE));
        }
        JsonValue first = Json.parse(api.raw("GET", "/fleet/v1/units", null, (String) null).body());
        assertEquals(100, first.path("units").size());
        assertEquals("u000.service", first.path("units").get(0).path("name").asText());
        String token = first.path("nextPageToken").asText();
        assertFalse(token.isEmpty());

        api.registry.deleteUnit("u000.service"); // a change between pages shifts nothing
        JsonValue second = Json.parse(api.raw("GET", "/fleet/v1/units?nextPageToken=" + token, null, (String) null).body());
        assertEquals("u100.service", second.path("units").get(0).path("name").asText());

        List<Unit> all = api.client.units();
        assertEquals(249, all.size());
        assertEquals(249, new HashSet<>(all.stream().map(Unit::name).toList()).size());
        error(api.raw("GET", "/fleet/v1/units?nextPageToken=bogus!", null, (String) null), 400);
    }

    @Test
    void statesAreListedAndFilteredByMachineAndUnit() throws Exception {
        MachinePresence m1 = api.machine(M1, "127.0.0.10", Map.of());
        MachinePresence m2 = api.machine(M2, "127.0.0.11", Map.of());
        api.publish(m1, "web.service", "h1", "loaded", "active", "running");
        api.publish(m1, "db.service", "h2", "loaded", "inactive", "dead");
        api.publish(m2, "web.service", "h1", "loaded", "failed", "failed");

        assertEquals(3, api.client.unitStates("", "").size());
        assertEquals(List.of(new UnitStateEntity("db.service", "h2", M1, "loaded", "inactive", "dead"),
                new UnitStateEntity("web.service", "h1", M1, "loaded", "active", "running")), api.client.unitStates(M1, ""));
        assertEquals(List.of(M1, M2), api.client.unitStates("", "web.service").stream().map(UnitStateEntity::machineID).toList());
        assertEquals(List.of(new UnitStateEntity("web.service", "h1", M2, "loaded", "failed", "failed")),
                api.client.unitStates(M2, "web.service"));

        JsonValue raw = Json.parse(api.raw("GET", "/fleet/v1/state?unitName=db.service", null, (String) null).body());
        assertEquals(Set.of("name", "hash", "machineID", "systemdLoadState", "systemdActiveState", "systemdSubState"),
                fieldNames(raw.path("states").get(0)));
        assertTrue(raw.path("nextPageToken").isMissing(), "fleet leaves an empty nextPageToken out");
    }

    @Test
    void statesArePagedToo() {
        MachinePresence m1 = api.machine(M1, "127.0.0.10", Map.of());
        List<dev.flotilla.model.UnitState> many = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            many.add(new dev.flotilla.model.UnitState(M1, String.format("u%03d.service", i), "h", "loaded", "active", "running"));
        }
        api.registry.publishStates(m1, many);
        List<UnitStateEntity> all = api.client.unitStates("", "");
        assertEquals(230, all.size());
        assertEquals("u229.service", all.get(229).name());
    }

    @Test
    void aPageReadsItsOwnUnitsAndStatesNotTheWholeListing() {
        MachinePresence m1 = api.machine(M1, "127.0.0.10", Map.of());
        List<dev.flotilla.model.UnitState> many = new ArrayList<>();
        List<AssignmentChange> assigned = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            String name = String.format("u%03d.service", i);
            api.registry.createUnit(new UnitRecord(name, "[Service]\nExecStart=/bin/true\n", "h", DesiredState.LAUNCHED));
            many.add(new dev.flotilla.model.UnitState(M1, name, "h", "loaded", "active", "running"));
            assigned.add(new AssignmentChange.Assign(new Assignment(M1, name, "h", DesiredState.LAUNCHED)));
        }
        api.engine(assigned.toArray(AssignmentChange[]::new));
        api.registry.publishStates(m1, many);
        api.serverCalls.clear();

        List<UnitStateEntity> states = api.client.unitStates("", "");
        List<Unit> units = api.client.units();
        assertEquals(230, states.size());
        assertEquals(230, units.size());
        assertTrue(units.stream().allMatch(u -> u.currentState().equals("launched") && u.machineID().equals(M1)),
                "each unit with its state on its machine");
        assertEquals("launched", api.client.unit("u117.service").orElseThrow().currentState());
        assertEquals("active", api.client.unitStates("", "u117.service").get(0).systemdActiveState());
        assertFalse(api.serverCalls.contains("units"), "no page reads every unit: " + api.serverCalls);
        assertFalse(api.serverCalls.contains("unitStates"), "no page reads every state: " + api.serverCalls);

        // Once the daemon's mirror of assignments has listed (the first page started it), pages
        // read no assignment from etcd either, and still say where each unit runs.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
            api.serverCalls.clear();
            List<Unit> again = api.client.units();
            return again.size() == 230 && again.stream().allMatch(u -> u.machineID().equals(M1))
                    && !api.serverCalls.contains("assignments");
        });
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        error(api.raw("GET", "/fleet/v1/nothing", null, (String) null), 404);
        error(api.raw("GET", "/fleet/v2/units", null, (String) null), 404);
        error(api.raw("GET", "/fleet/v1/units/a.service/extra", null, (String) null), 404);
        ApiCluster.Raw post = api.raw("POST", "/fleet/v1/units", "application/json", "{}");
        error(post, 405);
        assertEquals("GET", post.headers().get("Allow"));
        ApiCluster.Raw patch = api.raw("PATCH", "/fleet/v1/units/a.service", "application/json", "{}");
        error(patch, 405);
        assertEquals("GET, PUT, DELETE", patch.headers().get("Allow"));
        error(api.raw("DELETE", "/fleet/v1/state", null, (String) null), 405);
    }

    private static Set<String> fieldNames(JsonValue node) {
        Set<String> names = new HashSet<>();
        names.addAll(node.fieldNames());
        return names;
    }
}
