package dev.flotilla.api.server;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.RolloutRequest;
import dev.flotilla.api.RolloutRequest.RolloutUnitText;
import dev.flotilla.api.RolloutView;
import dev.flotilla.model.DesiredState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rollout resource over a real etcd: what it takes, what it refuses (4xx naming what), the requests. */
@Tag("etcd")
class RolloutApiTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String OLD = "[Service]\nExecStart=/bin/sleep infinity\n";
    private static final String NEW = "[Service]\nExecStart=/bin/sleep 100000\n";

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
        for (int i = 1; i <= 3; i++) {
            api.client.submit("web@" + i + ".service", OLD, DesiredState.LAUNCHED, false);
        }
    }

    private static RolloutRequest request(Integer maxParallel, String... units) {
        return new RolloutRequest(java.util.Arrays.stream(units).map(u -> new RolloutUnitText(u, NEW)).toList(),
                maxParallel, 2.0, 60.0, true);
    }

    private int status(Runnable call) {
        return assertThrows(ApiException.class, call::run).status();
    }

    @Test
    void aRolloutIsCreatedListedReadAndPaused() {
        RolloutView r = api.client.startRollout(request(2, "web@1.service", "web@2.service"));
        assertEquals("running", r.phase());
        assertEquals(2, r.maxParallel());
        assertEquals(2.0, r.minHealthySeconds());
        assertEquals(List.of("pending", "pending"), r.units().stream().map(RolloutView.Unit::step).toList());
        assertEquals(List.of(r.id()), api.client.rollouts().stream().map(RolloutView::id).toList());
        assertEquals(r.id(), api.client.rollout(r.id()).orElseThrow().id());
        assertTrue(api.client.rollout("nope").isEmpty());

        RolloutView paused = api.client.requestRollout(r.id(), "pause");
        assertEquals("pause", paused.request());
        assertEquals(409, status(() -> api.client.requestRollout(r.id(), "resume")), "only a paused one resumes");
        assertEquals(404, status(() -> api.client.requestRollout(r.id(), "explode")));
        assertEquals(404, status(() -> api.client.requestRollout("nope", "abort")));
    }

    @Test
    void aSecondRolloutOfAUnitIsRefusedWith409NamingTheFirst() {
        RolloutView first = api.client.startRollout(request(1, "web@1.service", "web@2.service"));
        ApiException e = assertThrows(ApiException.class, () -> api.client.startRollout(request(1, "web@2.service", "web@3.service")));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("web@2.service is in rollout " + first.id()), e.getMessage());
    }

    @Test
    void badRequestsAreRefusedNamingWhat() {
        ApiException missing = assertThrows(ApiException.class, () -> api.client.startRollout(request(1, "web@9.service")));
        assertEquals(404, missing.status());
        assertTrue(missing.getMessage().contains("web@9.service is not submitted"), missing.getMessage());
        assertEquals(400, status(() -> api.client.startRollout(request(0, "web@1.service"))));
        assertEquals(400, status(() -> api.client.startRollout(request(51, "web@1.service"))));
        assertEquals(400, status(() -> api.client.startRollout(request(1, "web@.service"))));
        assertEquals(400, status(() -> api.client.startRollout(new RolloutRequest(List.of(), 1, null, null, null))));
        ApiException bad = assertThrows(ApiException.class, () -> api.client.startRollout(new RolloutRequest(
                List.of(new RolloutUnitText("web@1.service", "[Service]\nExecStart\n")), 1, null, null, null)));
        assertEquals(400, bad.status());
        assertTrue(bad.getMessage().contains("line 2"), bad.getMessage());
        ApiException same = assertThrows(ApiException.class, () -> api.client.startRollout(new RolloutRequest(
                List.of(new RolloutUnitText("web@1.service", OLD)), 1, null, null, null)));
        assertEquals(409, same.status());
        assertTrue(same.getMessage().contains("nothing to roll"), same.getMessage());
        assertEquals(400, status(() -> api.client.startRollout(new RolloutRequest(
                List.of(new RolloutUnitText("web@1.service", NEW)), 1, 30.0, 10.0, null))), "deadline before min_healthy");
        assertTrue(api.client.rollouts().isEmpty(), "nothing was written");
    }

    @Test
    void aGlobalUnitIsRolledWithAStepPerMachineThatRunsIt() {
        String old = "[Service]\nExecStart=/bin/sleep infinity\n[X-Fleet]\nGlobal=true\nMachineMetadata=role=web\n";
        String next = "[Service]\nExecStart=/bin/sleep 100000\n[X-Fleet]\nGlobal=true\nMachineMetadata=role=web\n";
        api.machine("m1", "127.0.0.1", java.util.Map.of("role", "web"));
        api.machine("m2", "127.0.0.2", java.util.Map.of("role", "db"));
        api.machine("m3", "127.0.0.3", java.util.Map.of("role", "web"));
        api.client.submit("g.service", old, DesiredState.LAUNCHED, false);
        RolloutView r = api.client.startRollout(new RolloutRequest(List.of(new RolloutUnitText("g.service", next)), 1, 2.0, 60.0, null));
        assertEquals(List.of("g.service on m1", "g.service on m3"), r.units().stream().map(RolloutView.Unit::name).toList(),
                "one step per machine whose metadata it matches");
        ApiException busy = assertThrows(ApiException.class, () -> api.client.startRollout(
                new RolloutRequest(List.of(new RolloutUnitText("g.service", next.replace("100000", "5"))), 1, null, null, null)));
        assertEquals(409, busy.status());
        assertTrue(busy.getMessage().contains("g.service is in rollout " + r.id()), busy.getMessage());
    }

    @Test
    void aGlobalUnitIsNotRolledTogetherWithOthersNorTurnedGlobalByARollout() {
        api.machine("m1", "127.0.0.1", java.util.Map.of());
        api.client.submit("g.service", "[Service]\nExecStart=/bin/sleep 1\n[X-Fleet]\nGlobal=true\n", DesiredState.LAUNCHED, false);
        ApiException mixed = assertThrows(ApiException.class, () -> api.client.startRollout(new RolloutRequest(List.of(
                new RolloutUnitText("g.service", "[Service]\nExecStart=/bin/sleep 2\n[X-Fleet]\nGlobal=true\n"),
                new RolloutUnitText("web@1.service", NEW)), 1, null, null, null)));
        assertEquals(400, mixed.status());
        assertTrue(mixed.getMessage().contains("in a rollout of their own"), mixed.getMessage());
        ApiException turned = assertThrows(ApiException.class, () -> api.client.startRollout(new RolloutRequest(List.of(
                new RolloutUnitText("web@1.service", NEW + "[X-Fleet]\nGlobal=true\n")), 1, null, null, null)));
        assertEquals(400, turned.status());
        assertTrue(turned.getMessage().contains("keeps a unit global or not"), turned.getMessage());
        assertTrue(api.client.rollouts().isEmpty(), "nothing was written");
    }

    @Test
    void rolloutChangesAreInTheEventStream() {
        List<dev.flotilla.api.ClusterEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<ApiException> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (dev.flotilla.api.EventStream s = api.client.events(0, events::add, errors::add)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> !events.isEmpty());
            RolloutView r = api.client.startRollout(request(1, "web@3.service"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> events.stream()
                    .filter(e -> e.changes() != null).flatMap(e -> e.changes().stream())
                    .anyMatch(c -> c.kind().equals("rollout") && c.name().equals(r.id()) && c.rollout() != null
                            && c.rollout().phase().equals("running")));
        }
    }
}
