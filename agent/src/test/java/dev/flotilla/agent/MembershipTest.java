package dev.flotilla.agent;

import dev.flotilla.registry.ConnectionState;
import dev.flotilla.registry.InMemoryRegistry;
import dev.flotilla.model.Machine;
import dev.flotilla.model.MetadataOverride;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Machines;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.Subscription;
import dev.flotilla.registry.Versioned;
import dev.flotilla.registry.WatchEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.stream.LongStream;

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

    /**
     * The machines of the in-memory registry, whose register() fails the first {@code failures} times
     * as a slow etcd does: the membership needs nothing else of the registry.
     */
    private Machines slowAtFirst(int failures) {
        return new Machines() {
            @Override
            public MachinePresence register(Machine machine, Duration ttl, String session, Duration conflictWait) {
                if (calls.incrementAndGet() <= failures) {
                    throw new RegistryException("grant the machine lease: etcd did not answer within 1000 ms");
                }
                return memory.register(machine, ttl, session, conflictWait);
            }

            @Override
            public Versioned<List<Machine>> machines() {
                return memory.machines();
            }

            @Override
            public void overrideMetadata(List<MetadataOverride> overrides) {
                memory.overrideMetadata(overrides);
            }

            @Override
            public Versioned<Map<String, String>> metadataOverrides(String machineId) {
                return memory.metadataOverrides(machineId);
            }

            @Override
            public Subscription watchMetadataOverrides(String machineId, Consumer<WatchEvent<String>> listener) {
                return memory.watchMetadataOverrides(machineId, listener);
            }

            @Override
            public Subscription watchMachines(Consumer<WatchEvent<Machine>> listener) {
                return memory.watchMachines(listener);
            }
        };
    }

    private Membership membership(Machines machines) {
        return membership(machines, Duration.ofSeconds(3));
    }

    private Membership membership(Machines machines, Duration conflictWait) {
        return membership(machines, conflictWait, () -> ThreadLocalRandom.current().nextDouble());
    }

    private Membership membership(Machines machines, Duration conflictWait, DoubleSupplier random) {
        AgentConfig config = AgentConfig.of(new Machine(ME, "127.0.0.71", Map.of(), "test"), Duration.ofSeconds(1), "s1",
                tmp.resolve("units")).withRegisterRetry(Duration.ofMillis(100)).withConflictWait(conflictWait);
        return new Membership(machines, config, new Membership.Listener() {
            @Override
            public void registered(MachinePresence presence) {
            }

            @Override
            public void stateChanged(MachinePresence presence, ConnectionState state) {
            }
        }, random);
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
        try (Membership m = membership(slowAtFirst(Integer.MAX_VALUE), Duration.ofMillis(500))) {
            RegistryException e = assertThrows(RegistryException.class, m::registerFirst);
            assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
        }
        // retried every 100 ms until conflictWait (500 ms here) ran out, then the last failure is thrown
        assertTrue(calls.get() > 1, "attempts: " + calls.get());
    }

    /** Machines that lost their leases together must not retry in lockstep: each wait is spread. */
    @Test
    void retriesAreSpreadUniformlyOverHalfToOneAndAHalfTheRetryDelay() {
        double[] script = {0.0, 0.5, 0.999_999, -1, 7};
        AtomicInteger next = new AtomicInteger();
        try (Membership m = membership(memory, Duration.ofSeconds(3), () -> script[next.getAndIncrement()])) {
            // registerRetry is 100 ms here
            assertEquals(50, m.retryDelayMs());
            assertEquals(100, m.retryDelayMs());
            assertEquals(150, m.retryDelayMs());
            assertEquals(50, m.retryDelayMs(), "below 0 counts as 0");
            assertEquals(150, m.retryDelayMs(), "above 1 counts as 1");
        }
        Random seeded = new Random(17);
        try (Membership m = membership(memory, Duration.ofSeconds(3), seeded::nextDouble)) {
            long[] delays = LongStream.range(0, 2000).map(i -> m.retryDelayMs()).toArray();
            long min = LongStream.of(delays).min().orElseThrow();
            long max = LongStream.of(delays).max().orElseThrow();
            double mean = LongStream.of(delays).average().orElseThrow();
            assertTrue(min >= 50 && max <= 150, min + ".." + max);
            assertTrue(min < 55 && max > 145, "spread over the whole range: " + min + ".." + max);
            assertTrue(Math.abs(mean - 100) < 3, "the mean stays the configured delay: " + mean);
            long firstTenth = LongStream.of(delays).filter(d -> d < 60).count();
            long lastTenth = LongStream.of(delays).filter(d -> d >= 140).count();
            assertTrue(firstTenth > 120 && lastTenth > 120, "uniform: " + firstTenth + " and " + lastTenth + " of 2000");
        }
    }

    @Test
    void theFirstRegistrationsRetriesAreSpreadToo() {
        AtomicInteger draws = new AtomicInteger();
        try (Membership m = membership(slowAtFirst(3), Duration.ofSeconds(3), () -> {
            draws.incrementAndGet();
            return 0.0;
        })) {
            m.registerFirst();
            assertEquals(4, calls.get());
            assertEquals(3, draws.get(), "one spread wait per failed attempt");
        }
    }
}
