package dev.flotilla.registry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("etcd")
class MachinePresenceTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    private static final Duration TTL = Duration.ofSeconds(2);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private EtcdConfig config;

    @BeforeEach
    void prefix() {
        config = etcd.newConfig();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Registry registry() {
        Registry r = Registry.connect(config);
        toClose.add(r);
        return r;
    }

    private static Machine machine(String id, String ip) {
        return new Machine(id, ip, Map.of("az", "a"), "test");
    }

    private static String id(char c) {
        return String.valueOf(c).repeat(32);
    }

    @Test
    void registeredMachinesAreListedWithTheirMetadataAndTheRevisionSeen() {
        Registry r = registry();
        MachinePresence a = r.register(machine(id('a'), "127.0.0.11"), TTL, "s1", Duration.ZERO);
        MachinePresence b = r.register(machine(id('b'), "127.0.0.12"), TTL, "s2", Duration.ZERO);
        toClose.add(a);
        toClose.add(b);

        Versioned<List<Machine>> machines = r.machines();
        assertEquals(List.of(machine(id('a'), "127.0.0.11"), machine(id('b'), "127.0.0.12")), machines.value());
        assertTrue(machines.revision() > 0);
    }

    @Test
    void aCleanlyClosedMachineIsGoneAtOnce() {
        Registry r = registry();
        MachinePresence a = r.register(machine(id('a'), "127.0.0.11"), TTL, "s1", Duration.ZERO);
        a.close();
        // No waiting: deregistration revokes the lease before close() returns.
        assertEquals(List.of(), r.machines().value());
    }

    @Test
    void aMachineWhoseDaemonDiedIsGoneWithinItsTtl() {
        // A registry closed without deregistering = a daemon that stopped sending keep-alives.
        Registry dying = Registry.connect(config);
        dying.register(machine(id('a'), "127.0.0.11"), TTL, "s1", Duration.ZERO);
        dying.close();

        Registry r = registry();
        assertEquals(1, r.machines().value().size());
        await().atMost(TTL.plusSeconds(3)).until(() -> r.machines().value().isEmpty());
    }

    @Test
    void aSecondDaemonWithTheSameMachineIdIsRefused() {
        Registry r = registry();
        toClose.add(r.register(machine(id('a'), "127.0.0.11"), TTL, "first", Duration.ZERO));

        MachineIdConflictException e = assertThrows(MachineIdConflictException.class,
                () -> registry().register(machine(id('a'), "127.0.0.99"), TTL, "second", Duration.ofSeconds(3)));
        assertTrue(e.getMessage().contains("already registered"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.11"), e.getMessage());
        assertEquals("127.0.0.11", r.machines().value().get(0).publicIp(), "the first registration is untouched");
    }

    @Test
    void aDuplicateIsAcceptedOnceTheDeadHolderExpired() {
        Registry dying = Registry.connect(config);
        dying.register(machine(id('a'), "127.0.0.11"), TTL, "first", Duration.ZERO);
        dying.close();

        MachinePresence second = registry().register(machine(id('a'), "127.0.0.12"), TTL, "second", TTL.plusSeconds(5));
        toClose.add(second);
        assertEquals("127.0.0.12", registry().machines().value().get(0).publicIp());
    }

    @Test
    void aRestartedDaemonAdoptsItsOwnLivingRegistration() {
        Registry before = Registry.connect(config);
        MachinePresence old = before.register(machine(id('a'), "127.0.0.11"), Duration.ofSeconds(30), "same-session", Duration.ZERO);
        assertFalse(old.resumed(), "a first registration is fresh");
        long lease = old.leaseId();
        before.close(); // crash: no deregistration

        MachinePresence adopted = registry().register(machine(id('a'), "127.0.0.11"), Duration.ofSeconds(30), "same-session", Duration.ZERO);
        toClose.add(adopted);
        assertEquals(lease, adopted.leaseId(), "the machine kept its lease, so its units do not move");
        assertTrue(adopted.resumed());
        assertEquals(1, registry().machines().value().size());
    }

    @Test
    void metadataUpdatesKeepTheLease() {
        Registry r = registry();
        MachinePresence a = r.register(machine(id('a'), "127.0.0.11"), TTL, "s1", Duration.ZERO);
        toClose.add(a);
        a.update(a.machine().withMetadata(Map.of("az", "b", "disk", "ssd")));
        assertEquals(Map.of("az", "b", "disk", "ssd"), r.machines().value().get(0).metadata());
        assertEquals(ConnectionState.CONNECTED, a.state());
    }
}
