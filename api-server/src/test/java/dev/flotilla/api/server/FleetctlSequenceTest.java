package dev.flotilla.api.server;

import dev.flotilla.json.JsonValue;
import dev.flotilla.json.Json;
import dev.flotilla.model.DesiredState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real fleetctl's request sequences (v1.0.0, API driver: its generated client sends
 * {@code ?alt=json}, leaves empty fields out of its JSON, and polls every 250 ms), replayed
 * against the server over a real etcd with a simulated engine and agent. Each step asserts what
 * fleetctl checks, so a step that would make fleetctl hang or crash fails here.
 */
@Tag("etcd")
class FleetctlSequenceTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String M1 = "a".repeat(32);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String V1 = "[{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"Web\"},"
            + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep infinity\"}]";
    /** The second text, with an empty value as fleetctl sends it: no "value" field at all. */
    private static final String V2 = "[{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"Web 2\"},"
            + "{\"section\":\"Service\",\"name\":\"ExecStartPre\"},"
            + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep infinity\"}]";

    private ApiCluster api;
    private SimulatedAgent agent;
    /** Every exchange of the test, "METHOD path -> status", as fleetctl made them. */
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
        agent = new SimulatedAgent(cluster.registry, M1);
    }

    @AfterEach
    void stop() {
        agent.close();
        assertEquals(List.of(), agent.failures(), "the simulation itself failed");
    }

    private ApiCluster.Raw call(String method, String path, String body) {
        try {
            ApiCluster.Raw r = api.raw(method, path + "?alt=json", body == null ? null : "application/json", body);
            log.add(method + " " + path + " -> " + r.status());
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonValue unit(String name) {
        ApiCluster.Raw r = call("GET", "/fleet/v1/units/" + name, null);
        if (r.status() == 404) {
            return null;
        }
        assertEquals(200, r.status(), r.body());
        return json(r.body());
    }

    private static JsonValue json(String body) {
        return Json.parse(body);
    }

    private void setTargetState(String name, String state) {
        ApiCluster.Raw r = call("PUT", "/fleet/v1/units/" + name, "{\"desiredState\":\"" + state + "\",\"name\":\"" + name + "\"}");
        assertEquals(204, r.status(), r.body());
    }

    private void createUnit(String name, String options) {
        ApiCluster.Raw r = call("PUT", "/fleet/v1/units/" + name, "{\"name\":\"" + name + "\",\"options\":" + options + "}");
        assertEquals(201, r.status(), r.body());
    }

    /** fleetctl's checkUnitState: GET the unit until its currentState is the one wanted. */
    private void waitForCurrentState(String name, String state) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonValue u = unit(name);
            return u != null && state.equals(u.path("currentState").asText());
        });
    }

    /**
     * fleetctl's assertSystemdActiveState: GET the unit's state until it is active and loaded. A
     * 404 here crashes fleetctl (its client turns it into a nil state it then reads).
     */
    private JsonValue waitForSystemdActive(String name) {
        JsonValue[] last = new JsonValue[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            ApiCluster.Raw r = call("GET", "/fleet/v1/state/" + name, null);
            assertEquals(200, r.status(), "fleetctl would crash on this answer: " + r.body());
            last[0] = json(r.body());
            return last[0].path("systemdActiveState").asText().equals("active")
                    && last[0].path("systemdLoadState").asText().equals("loaded");
        });
        return last[0];
    }

    /** fleetctl start NAME (blocking), after the unit's file was read from disk. */
    private void fleetctlStart(String name, String options, boolean replace) {
        JsonValue existing = unit(name); // checkUnitCreation
        if (existing == null || replace) {
            createUnit(name, options);
            waitForCurrentState(name, "inactive"); // lazyCreateUnits waits for the new unit
        }
        JsonValue u = unit(name); // setTargetStateOfUnits
        if (!"launched".equals(u.path("desiredState").asText())) {
            setTargetState(name, "launched");
        }
        waitForCurrentState(name, "launched");
        waitForSystemdActive(name);
    }

    private List<String> requests(Predicate<String> which) {
        return log.stream().filter(which).toList();
    }

    @Test
    void blockingStartSeesLaunchedOnlyOnceTheMachineReportsTheUnit() {
        agent.holdAgent(); // the engine assigns at once; the machine has not acted yet
        createUnit("web.service", V1);
        waitForCurrentState("web.service", "inactive");
        setTargetState("web.service", "launched");
        await().atMost(WAIT).until(() -> api.registry.assignments().value().stream()
                .anyMatch(a -> a.unit().equals("web.service") && a.desired() == DesiredState.LAUNCHED));
        assertEquals("inactive", unit("web.service").path("currentState").asText(),
                "assigned but not reported: fleetctl must not see launched yet (it would read a state that is not there)");
        assertEquals(404, call("GET", "/fleet/v1/state/web.service", null).status());

        agent.releaseAgent();
        waitForCurrentState("web.service", "launched");
        JsonValue state = waitForSystemdActive("web.service");
        assertEquals(M1, state.path("machineID").asText());
        assertEquals("running", state.path("systemdSubState").asText());
        assertEquals(api.registry.unit("web.service").orElseThrow().value().hash(), state.path("hash").asText());
    }

    @Test
    void blockingStartOfANewUnitRunsFleetctlsWholeSequence() {
        fleetctlStart("web.service", V1, false);
        assertEquals(List.of("GET /fleet/v1/units/web.service -> 404", "PUT /fleet/v1/units/web.service -> 201"),
                log.subList(0, 2));
        assertTrue(log.contains("PUT /fleet/v1/units/web.service -> 204"), log.toString());
        assertFalse(requests(l -> l.startsWith("GET /fleet/v1/state/")).isEmpty());
        assertTrue(requests(l -> l.startsWith("GET /fleet/v1/state/")).stream().allMatch(l -> l.endsWith("200")), log.toString());
    }

    @Test
    void startWithReplaceStopsTheOldTextThenStartsTheNewOne() {
        fleetctlStart("web.service", V1, false);
        String oldHash = api.registry.unit("web.service").orElseThrow().value().hash();
        log.clear();

        fleetctlStart("web.service", V2, true);

        assertEquals("PUT /fleet/v1/units/web.service -> 201", log.get(1), "the new options, no desiredState");
        String newHash = api.registry.unit("web.service").orElseThrow().value().hash();
        assertFalse(newHash.equals(oldHash));
        JsonValue u = unit("web.service");
        assertEquals("launched", u.path("desiredState").asText());
        assertEquals("launched", u.path("currentState").asText());
        assertEquals(newHash, json(call("GET", "/fleet/v1/state/web.service", null).body()).path("hash").asText(),
                "the new text is the one running");
        assertTrue(api.registry.unit("web.service").orElseThrow().value().text().contains("ExecStartPre=\n"),
                "an option sent without a value is an empty value");
    }

    @Test
    void theReplacedUnitIsUnscheduledUntilFleetctlLaunchesItAgain() {
        fleetctlStart("web.service", V1, false);
        createUnit("web.service", V2);
        waitForCurrentState("web.service", "inactive");
        JsonValue u = unit("web.service");
        assertEquals("inactive", u.path("desiredState").asText());
        assertTrue(u.path("machineID").isMissing(), "unscheduled: fleet leaves machineID out");
        await().atMost(WAIT).until(() -> api.registry.unitStates(M1).value().isEmpty()); // stopped on its machine
    }

    @Test
    void restartOfALaunchedUnitIsTheOneKnownDifference() {
        fleetctlStart("web.service", V1, false);
        log.clear();

        // fleetctl restart: findUnits, lazyCreateUnits, then "stop" by setting loaded...
        assertEquals(200, call("GET", "/fleet/v1/units", null).status());
        assertEquals("launched", unit("web.service").path("currentState").asText());
        agent.holdAgent();
        setTargetState("web.service", "loaded");
        assertEquals("launched", unit("web.service").path("currentState").asText(),
                "while the machine has not stopped it, it is still launched, as fleet reported");
        agent.releaseAgent();
        // ...and then it waits for launched (its own bug). Once the machine stopped the unit the
        // truth is loaded, and nothing makes it launched again: fleetctl would wait for ever.
        await().atMost(WAIT).until(() -> api.registry.unitStates(M1).value().stream()
                .anyMatch(s -> s.activeState().equals("inactive")));
        assertEquals("loaded", unit("web.service").path("currentState").asText());

        // The workaround: fleetctl stop, then fleetctl start, each blocking correctly.
        setTargetState("web.service", "loaded");
        waitForCurrentState("web.service", "loaded");
        fleetctlStart("web.service", V1, false);
        assertEquals("active", json(call("GET", "/fleet/v1/state/web.service", null).body()).path("systemdActiveState").asText());
    }

    @Test
    void restartOfALoadedUnitStartsIt() {
        createUnit("web.service", V1);
        setTargetState("web.service", "loaded");
        waitForCurrentState("web.service", "loaded");
        // fleetctl restart of a loaded unit: set launched, wait for launched.
        setTargetState("web.service", "launched");
        waitForCurrentState("web.service", "launched");
        waitForSystemdActive("web.service");
    }

    @Test
    void destroyDeletesAtOnceAndTheStateGoesWithTheUnit() {
        fleetctlStart("web.service", V1, false);
        log.clear();
        assertEquals(200, call("GET", "/fleet/v1/units", null).status()); // findUnits
        assertEquals(204, call("DELETE", "/fleet/v1/units/web.service", null).status());
        // --no-block polls GET until the unit is gone: it is gone with the DELETE's answer.
        assertEquals(404, call("GET", "/fleet/v1/units/web.service", null).status());
        await().atMost(WAIT).until(() -> call("GET", "/fleet/v1/state/web.service", null).status() == 404);
        JsonValue gone = json(call("GET", "/fleet/v1/state/web.service", null).body());
        assertEquals("unit state does not exist", gone.path("error").path("message").asText());
        assertEquals(404, call("DELETE", "/fleet/v1/units/web.service", null).status(), "fleetctl ignores this 404");
    }
}
