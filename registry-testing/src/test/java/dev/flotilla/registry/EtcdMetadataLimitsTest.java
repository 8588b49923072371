package dev.flotilla.registry;

import dev.flotilla.model.Machine;
import dev.flotilla.model.MetadataOverride;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metadata overrides out of bounds, as an older version stored them, never keep a machine out. */
@Tag("etcd")
class EtcdMetadataLimitsTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    @RegisterExtension
    final Closer closer = new Closer();

    private static final String ID = "c".repeat(32);

    @Test
    void aMachineWhoseStoredOverridesAreOversizedStillRegisters() throws Exception {
        EtcdRegistry registry = (EtcdRegistry) closer.add(Registry.connect(etcd.newConfig()));
        var kv = registry.client().getKVClient();
        // Written directly, one key per request (each alone fits etcd's request limit), as a
        // PATCH of an older version did.
        kv.put(registry.keys().metadata(ID, "big1"), Keys.bytes("v".repeat(1_000_000))).get();
        kv.put(registry.keys().metadata(ID, "big2"), Keys.bytes("w".repeat(1_000_000))).get();
        kv.put(registry.keys().metadata(ID, "k".repeat(300)), Keys.bytes("x")).get();
        for (int i = 0; i < 100; i++) {
            kv.put(registry.keys().metadata(ID, String.format("n%03d", i)), Keys.bytes("v" + i)).get();
        }
        kv.put(registry.keys().metadata(ID, "role"), Keys.bytes("web")).get();

        Map<String, String> overrides = registry.metadataOverrides(ID).value();
        assertEquals(64, overrides.size(), "at most 64 keys are used");
        assertFalse(overrides.containsKey("big1") || overrides.containsKey("big2"), "oversized values are skipped");
        assertTrue(overrides.values().stream().allMatch(v -> v.length() <= 255));

        Machine machine = new Machine(ID, "127.0.0.9", Machine.merge(Map.of("az", "a"), overrides), "test");
        MachinePresence presence = closer.add(registry.register(machine, Duration.ofSeconds(30), "s", Duration.ZERO));
        assertEquals(List.of(ID), registry.machines().value().stream().map(Machine::id).toList());
        presence.update(machine);

        WatchView<String> view = new WatchView<>();
        closer.add(registry.watchMetadataOverrides(ID, view));
        await().atMost(Duration.ofSeconds(30)).until(() -> view.snapshots() == 1);
        assertEquals(overrides, Map.copyOf(view.items));
        kv.put(registry.keys().metadata(ID, "big3"), Keys.bytes("z".repeat(1_000_000))).get();
        kv.put(registry.keys().metadata(ID, "n000"), Keys.bytes("changed")).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> "changed".equals(view.items.get("n000")));
        assertFalse(view.items.containsKey("big3"), "an oversized value arriving by the watch is skipped too");
    }

    @Test
    void overridesOutOfBoundsAreRefusedBeforeAnyIsWritten() {
        Registry registry = closer.add(Registry.connect(etcd.newConfig()));
        assertThrows(IllegalArgumentException.class, () -> registry.overrideMetadata(List.of(
                new MetadataOverride(ID, "role", "web"), new MetadataOverride(ID, "disk", "v".repeat(256)))));
        assertThrows(IllegalArgumentException.class, () -> registry.overrideMetadata(List.of(
                new MetadataOverride("..", "role", "web"))));
        assertEquals(Map.of(), registry.metadataOverrides(ID).value());
    }
}
