package dev.flotilla.agent;

import dev.flotilla.registry.ConnectionState;
import dev.flotilla.registry.InMemoryRegistry;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.model.MetadataOverride;
import dev.flotilla.registry.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The membership announces the configured metadata with the API's overrides laid over it: read before
 * the first registration, followed after it, and kept over a reload of the configured metadata.
 */
class MetadataOverridesTest {
    private static final String ME = "d".repeat(32);
    private static final Duration T = Duration.ofSeconds(10);
    private final InMemoryRegistry registry = InMemoryRegistry.standalone();
    private final AtomicInteger announced = new AtomicInteger();
    @TempDir
    Path tmp;

    @AfterEach
    void close() {
        registry.close();
    }

    private Membership membership(Map<String, String> configured) {
        AgentConfig config = AgentConfig.of(new Machine(ME, "127.0.0.72", configured, "test"), Duration.ofSeconds(5), "s1",
                tmp.resolve("units"));
        return new Membership(registry, config, new Membership.Listener() {
            @Override
            public void registered(MachinePresence presence) {
            }

            @Override
            public void stateChanged(MachinePresence presence, ConnectionState state) {
            }

            @Override
            public void metadataAnnounced() {
                announced.incrementAndGet();
            }
        });
    }

    private Map<String, String> registered() {
        List<Machine> machines = registry.machines().value();
        assertEquals(1, machines.size(), machines.toString());
        return machines.get(0).metadata();
    }

    @Test
    void overridesStoredBeforeTheStartAreInTheFirstRegistration() {
        registry.overrideMetadata(List.of(new MetadataOverride(ME, "role", "web"), new MetadataOverride(ME, "disk", "")));
        try (Membership m = membership(Map.of("az", "a", "disk", "ssd"))) {
            MachinePresence p = m.registerFirst();
            assertEquals(Map.of("az", "a", "role", "web"), p.machine().metadata(), "never announced without them");
            assertEquals(Map.of("az", "a", "role", "web"), registered());
            assertEquals(Map.of("az", "a", "role", "web"), m.machine().metadata());
        }
    }

    @Test
    void aLiveOverrideIsAnnouncedAndOutlastsAReload() {
        try (Membership m = membership(Map.of("az", "a", "disk", "ssd"))) {
            m.registerFirst();
            assertEquals(Map.of("az", "a", "disk", "ssd"), registered());

            registry.overrideMetadata(List.of(new MetadataOverride(ME, "role", "web"), new MetadataOverride(ME, "disk", "")));
            await().atMost(T).until(() -> registered().equals(Map.of("az", "a", "role", "web")));
            await().atMost(T).until(() -> announced.get() >= 1); // the agent then matches global units anew

            int before = announced.get();
            assertTrue(m.configureMetadata(Map.of("az", "b", "disk", "hdd")), "changed and announced at once");
            assertEquals(Map.of("az", "b", "role", "web"), registered(), "the override still wins after a reload");
            assertEquals(before + 1, announced.get());

            assertFalse(m.configureMetadata(Map.of("az", "b", "disk", "hdd")), "nothing changed: nothing announced");
            assertEquals(before + 1, announced.get());

            registry.overrideMetadata(List.of(new MetadataOverride(ME, "role", "db")));
            await().atMost(T).until(() -> registered().equals(Map.of("az", "b", "role", "db")));
        }
    }
}
