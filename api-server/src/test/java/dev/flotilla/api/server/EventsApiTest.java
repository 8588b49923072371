package dev.flotilla.api.server;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.ClusterEvent;
import dev.flotilla.api.EventStream;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.MachinePresence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /flotilla/v1/events through the typed client, against a real etcd. */
@Tag("etcd")
class EventsApiTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String TEXT = "[Service]\nExecStart=/bin/sleep infinity\n";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private ApiCluster api;
    private final List<AutoCloseable> streams = new ArrayList<>();

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable s : streams) {
            s.close();
        }
    }

    private record Follower(EventStream stream, List<ClusterEvent> events, List<ApiException> errors) {
        /** The changes seen, as "kind action key" lines, snapshots left out. */
        List<String> changes() {
            List<String> out = new ArrayList<>();
            for (ClusterEvent e : events) {
                if (e.changes() != null) {
                    for (ClusterEvent.Change c : e.changes()) {
                        out.add(e.revision() + " " + c.kind() + " " + c.action() + " "
                                + (c.machineID() == null ? "" : c.machineID() + "/") + (c.name() == null ? "" : c.name())
                                + (c.unit() == null ? "" : " " + c.unit().desiredState())
                                + (c.state() == null ? "" : " " + c.state().systemdActiveState()));
                    }
                }
            }
            return out;
        }
    }

    private Follower follow(long since) {
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        List<ApiException> errors = new CopyOnWriteArrayList<>();
        EventStream s = api.client.events(since, events::add, errors::add);
        streams.add(s);
        return new Follower(s, events, errors);
    }

    @Test
    void aSnapshotThenEveryChangeInOrder() {
        api.client.submit("before.service", TEXT, null, false);
        Follower f = follow(0);
        await().atMost(WAIT).untilAsserted(() -> assertFalse(f.events().isEmpty(), "errors: " + f.errors()));
        ClusterEvent first = f.events().get(0);
        assertTrue(first.hasSnapshot());
        assertTrue(first.reason().startsWith("requested"), first.reason());
        assertEquals(List.of("before.service"), first.snapshot().units().stream().map(ClusterEvent.EventUnit::name).toList());

        String m = "a".repeat(32);
        MachinePresence p = api.machine(m, "127.0.0.11", Map.of("az", "a"));
        api.client.submit("web.service", TEXT, DesiredState.LAUNCHED, false);
        api.publish(p, "web.service", "h", "loaded", "active", "running");
        api.client.setDesiredState("web.service", DesiredState.INACTIVE);
        api.client.deleteUnit("before.service");
        await().atMost(WAIT).until(() -> f.changes().size() >= 5);
        List<String> changes = f.changes().stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        assertEquals(List.of("machine updated " + m + "/", "unit updated web.service launched",
                "state updated " + m + "/web.service active", "unit updated web.service inactive",
                "unit removed before.service"), changes);
        long previous = 0;
        for (ClusterEvent e : f.events()) {
            assertTrue(e.revision() > previous, "revisions increase: " + f.events());
            previous = e.revision();
        }
        assertEquals(previous, f.stream().lastRevision());
        assertTrue(f.errors().isEmpty(), f.errors().toString());
    }

    @Test
    void flotillasMachineJsonCarriesTheCapacityAndFleetsNever() throws Exception {
        String m = "c".repeat(32);
        dev.flotilla.model.Machine announced = new dev.flotilla.model.Machine(m, "127.0.0.12", Map.of(), "test")
                .withCapacity(new dev.flotilla.model.Resources(1900, 1536L << 20));
        streams.add(api.registry.register(announced, Duration.ofSeconds(30), "s-cap", Duration.ZERO));
        Follower f = follow(0);
        await().atMost(WAIT).untilAsserted(() -> assertFalse(f.events().isEmpty(), "errors: " + f.errors()));
        dev.flotilla.api.MachineEntity seen = f.events().get(0).snapshot().machines().stream()
                .filter(x -> x.id().equals(m)).findFirst().orElseThrow();
        assertEquals(new dev.flotilla.api.MachineEntity.Capacity(1900, 1536L << 20), seen.capacity());

        String fleetJson = api.raw("GET", "/fleet/v1/machines", null, (String) null).body();
        assertTrue(fleetJson.contains(m), fleetJson);
        assertFalse(fleetJson.contains("capacity"), fleetJson);
        assertTrue(api.client.machines().stream().allMatch(x -> x.capacity() == null), "the typed client reads fleet's JSON: no capacity");
    }

    @Test
    void resumingAfterADisconnectLosesNothingAndRepeatsNothing() {
        Follower reference = follow(0);
        Follower first = follow(0);
        await().atMost(WAIT).until(() -> !first.events().isEmpty() && !reference.events().isEmpty());
        for (int i = 0; i < 3; i++) {
            api.client.submit("a" + i + ".service", TEXT, null, false);
        }
        await().atMost(WAIT).until(() -> first.changes().size() == 3);
        first.stream().close();
        long resumeAfter = first.stream().lastRevision();
        // written while the follower is away
        for (int i = 0; i < 3; i++) {
            api.client.submit("b" + i + ".service", TEXT, DesiredState.LOADED, false);
        }
        api.client.deleteUnit("a0.service");
        Follower resumed = follow(resumeAfter);
        api.client.submit("c.service", TEXT, null, false);
        await().atMost(WAIT).until(() -> reference.changes().size() == 8 && resumed.changes().size() == 5);
        assertFalse(resumed.events().get(0).hasSnapshot(), "history still there: no snapshot");
        List<String> joined = new ArrayList<>(first.changes());
        joined.addAll(resumed.changes());
        assertEquals(reference.changes(), joined);
    }

    @Test
    void theTypedClientReconnectsByItselfAndResumes() {
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        List<ApiException> errors = new CopyOnWriteArrayList<>();
        EventStream s = api.unixClient.events(0, events::add, errors::add);
        streams.add(s);
        await().atMost(WAIT).until(() -> !events.isEmpty());
        api.client.submit("one.service", TEXT, null, false);
        await().atMost(WAIT).until(() -> events.size() == 2);
        // The daemon goes away; changes happen meanwhile; a daemon comes back on the same socket.
        api.server.close();
        api.registry.createUnit(new dev.flotilla.model.UnitRecord("two.service", TEXT, "h", DesiredState.INACTIVE));
        api.registry.createUnit(new dev.flotilla.model.UnitRecord("three.service", TEXT, "h", DesiredState.INACTIVE));
        await().atMost(WAIT).until(() -> !errors.isEmpty());
        try (ApiServer again = ApiServer.start(new ApiServer.Config(java.util.Optional.of(api.socket), java.util.Optional.empty(),
                java.util.Optional.empty()), api.registry, () -> new ApiServer.Health(true, "test", "ok"))) {
            await().atMost(WAIT).until(() -> events.size() == 4);
            List<String> names = events.stream().skip(1).map(e -> e.changes().get(0).name()).toList();
            assertEquals(List.of("one.service", "two.service", "three.service"), names);
            assertFalse(events.get(2).hasSnapshot(), "resumed from the last revision, not from a snapshot");
            assertTrue(s.isRunning());
        }
    }

    @Test
    void aCompactedRevisionIsASnapshotThatSaysSo() throws Exception {
        api.client.submit("x.service", TEXT, null, false);
        long old = api.registry.unit("x.service").orElseThrow().revision();
        api.client.submit("y.service", TEXT, null, false);
        long now = api.registry.unit("y.service").orElseThrow().revision();
        try (Client c = Client.builder().endpoints(fixture.etcdEndpoint()).build()) {
            c.getKVClient().compact(now).get(10, TimeUnit.SECONDS);
        }
        Follower f = follow(old - 1);
        await().atMost(WAIT).until(() -> !f.events().isEmpty());
        ClusterEvent first = f.events().get(0);
        assertTrue(first.hasSnapshot());
        assertTrue(first.reason().contains("no longer in etcd's history"), first.reason());
        assertTrue(first.snapshot().units().stream().anyMatch(u -> u.name().equals("y.service")));
        assertNull(first.changes());
    }

    /**
     * A client resuming from a revision the cluster never reached (etcd restored from a backup,
     * or another cluster) is told so, instead of a stream that never delivers anything.
     */
    @Test
    void aSinceBeyondTheClusterRevisionIs400NamingBoth() throws Exception {
        api.client.submit("x.service", TEXT, null, false);
        long now = api.registry.revision();
        long future = now + 1000;
        ApiCluster.Raw r = api.raw("GET", "/flotilla/v1/events?since=" + future, null, (String) null);
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("\"code\":400"), r.body());
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("since=" + future + " is beyond the cluster's revision (\\d+)").matcher(r.body());
        assertTrue(m.find(), r.body());
        assertTrue(Long.parseLong(m.group(1)) >= now && Long.parseLong(m.group(1)) < future, r.body());
        assertEquals(0, api.server.openEventStreams(), "no stream was opened");

        Follower refused = follow(future);
        await().atMost(WAIT).until(() -> !refused.errors().isEmpty());
        assertEquals(400, refused.errors().get(0).status());
        await().atMost(WAIT).until(() -> !refused.stream().isRunning());

        // The current revision itself is a valid place to resume: the next change arrives.
        Follower atNow = follow(api.registry.revision());
        api.client.submit("y.service", TEXT, null, false);
        await().atMost(WAIT).until(() -> atNow.changes().stream().anyMatch(c -> c.contains("y.service")));
        assertEquals(List.of(), atNow.errors());
    }

    @Test
    void aBadSinceIs400AndEndsTheStream() throws Exception {
        ApiCluster.Raw r = api.raw("GET", "/flotilla/v1/events?since=yesterday", null, (String) null);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("\"code\":400"), r.body());
        assertEquals(405, api.raw("PUT", "/flotilla/v1/events", "application/json", "{}").status());
    }
}
