package dev.flotilla.agent;

import dev.flotilla.registry.ConnectionState;
import dev.flotilla.registry.InMemoryRegistry;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The first registration outlives an etcd that answers too late a few times, within its bound. */
class MembershipTest {
    private static final String ME = "b".repeat(32);
    private final InMemoryRegistry memory = InMemoryRegistry.standalone();
    private final AtomicInteger calls = new AtomicInteger();
    @TempDir
    Path tmp;

    @AfterEach
    void close() {
        memory.close();
    }

    /** A registry whose register() fails the first {@code failures} times as a slow etcd does. */
    private Registry slowAtFirst(int failures) {
        return (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[]{Registry.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("register") && calls.incrementAndGet() <= failures) {
                        throw new RegistryException("grant the machine lease: etcd did not answer within 1000 ms");
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private Membership membership(Registry registry) {
        AgentConfig config = AgentConfig.of(new Machine(ME, "127.0.0.71", Map.of(), "test"), Duration.ofSeconds(1), "s1",
                tmp.resolve("units")).withRegisterRetry(Duration.ofMillis(100));
        return new Membership(registry, config, new Membership.Listener() {
            @Override
            public void registered(MachinePresence presence) {
            }

            @Override
            public void stateChanged(MachinePresence presence, ConnectionState state) {
            }
        });
    }

    @Test
    void aFirstRegistrationThatTimesOutIsTriedAgain() {
        try (Membership m = membership(slowAtFirst(2))) {
            MachinePresence p = m.registerFirst();
            assertEquals(3, calls.get());
            assertEquals(ME, p.machine().id());
            assertEquals(List.of(ME), memory.machines().value().stream().map(Machine::id).toList());
        }
    }

    @Test
    void anEtcdThatNeverAnswersFailsTheStartWithinTheConflictWait() {
        try (Membership m = membership(slowAtFirst(Integer.MAX_VALUE))) {
            RegistryException e = assertThrows(RegistryException.class, m::registerFirst);
            assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
        }
        // retried every 100 ms until conflictWait (TTL + 2 s) ran out, then the last failure is thrown
        assertTrue(calls.get() > 1, "attempts: " + calls.get());
    }
}
