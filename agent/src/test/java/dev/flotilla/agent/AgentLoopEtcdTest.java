package dev.flotilla.agent;

import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.ConnectionState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.flotilla.agent.AgentHarness.ME;
import static dev.flotilla.agent.AgentHarness.T;
import static dev.flotilla.agent.AgentHarness.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's loop against a real etcd, for what etcd itself does: its watches and writes end to end,
 * a lease revoked on the server, and a lease that outlives etcd's restart. The agent's logic is
 * tested on the in-memory cluster, in {@link AgentLoopTest}.
 */
@Tag("etcd")
class AgentLoopEtcdTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    /** flotd's default: no test here waits for it to run out, and a starved test JVM must not lose it. */
    static final Duration TTL = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private EtcdConfig config;
    private AgentHarness h;
    private FakeSystemd systemd;

    @BeforeEach
    void setUp() {
        config = etcd.newConfig();
        h = new AgentHarness(Registry.connect(config), tmp);
        systemd = h.systemd;
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private Registry registry() {
        return h.closeLater(Registry.connect(config));
    }

    @Test
    void anAssignedUnitRunsIsPublishedAndIsRemovedWhenUnassigned() throws Exception {
        h.startAgent(registry(), h.agentConfig(TTL));
        String hash = h.engine.place(ME, "web.service", text("web"), DesiredState.LAUNCHED);

        await().atMost(T).until(() -> systemd.isActive("web.service"));
        assertEquals(text("web"), Files.readString(h.file("web.service")));
        h.awaitPublished("web.service", hash, "active", "running");

        h.engine.unassign(ME, "web.service");
        await().atMost(T).until(() -> h.published("web.service").isEmpty());
        assertFalse(systemd.isActive("web.service"));
        assertFalse(Files.exists(h.file("web.service")));
    }

    @Test
    void aLeaseRevokedOnTheServerIsFollowedByANewOneThatKeepsWhatIsStillAssigned() throws Exception {
        DefaultAgent agent = h.startAgent(registry(), h.agentConfig(TTL));
        String ha = h.engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        String hb = h.engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        h.awaitPublished("a.service", ha, "active", "running");
        h.awaitPublished("b.service", hb, "active", "running");
        MachinePresence old = agent.currentPresence();
        systemd.clearCalls();

        // The lease ends on the server: the agent hears it only through its keep-alives.
        try (Client raw = Client.builder().endpoints(etcd.endpoint()).build()) {
            raw.getLeaseClient().revoke(old.leaseId()).get(20, TimeUnit.SECONDS);
        }
        h.engine.unassign(ME, "a.service");

        await().atMost(T).until(() -> agent.currentPresence() != old && agent.presenceState() == ConnectionState.CONNECTED);
        assertFalse(agent.currentPresence().resumed());
        await().atMost(T).until(() -> !systemd.isActive("a.service") && !Files.exists(h.file("a.service")));
        // The states died with the old lease: the new one publishes them again.
        h.awaitPublished("b.service", hb, "active", "running");
        assertEquals(1, systemd.starts("b.service"), systemd.calls().toString());
        assertFalse(systemd.calls().contains("stop b.service"), systemd.calls().toString());
    }

    @Test
    void aLeaseResumedAfterEtcdCameBackStopsNothing() {
        // A longer TTL: the restarted etcd extends the lease by its TTL, and the client needs a moment to
        // reconnect, longer on a loaded machine.
        Duration ttl = Duration.ofSeconds(10);
        DefaultAgent agent = h.startAgent(registry(), h.agentConfig(ttl));
        String ha = h.engine.place(ME, "a.service", text("a"), DesiredState.LAUNCHED);
        h.awaitPublished("a.service", ha, "active", "running");
        systemd.clearCalls();

        etcd.stop();
        try {
            await().atMost(ttl.plus(T)).until(() -> agent.presenceState() == ConnectionState.LOST);
            assertTrue(systemd.isActive("a.service"), "losing etcd does not stop units");
        } finally {
            etcd.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.presenceState() == ConnectionState.CONNECTED);
        assertTrue(agent.currentPresence().resumed(), "etcd keeps leases alive across its restart");
        // A barrier: a new unit runs, so the agent is past its passes after the return.
        h.engine.place(ME, "b.service", text("b"), DesiredState.LAUNCHED);
        await().atMost(T).until(() -> systemd.isActive("b.service"));
        assertTrue(systemd.isActive("a.service"));
        List<String> calls = systemd.calls();
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("stop")), calls.toString());
        assertEquals(1, systemd.starts("a.service"));
    }
}
