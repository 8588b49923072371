package dev.flotilla.registry;

import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitRecord;

import io.etcd.jetcd.KeyValue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real-sized state against a real etcd: more than gRPC's default 4 MiB in one prefix must list,
 * watch and resync (each read is paged), and a unit's stored size is its text plus a small header.
 */
@Tag("etcd")
class EtcdSizesTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    @RegisterExtension
    final Closer closer = new Closer();

    private static final Duration BOUND = Duration.ofSeconds(120);

    @Test
    void tenThousandRealisticUnitsListWatchAndResync() {
        Registry registry = closer.add(Registry.connect(etcd.newConfig()));
        List<UnitRecord> units = RealisticUnits.of("orders", 10_000, 14);
        long bytes = units.stream().mapToLong(u -> u.text().length()).sum();
        assertTrue(bytes > 4 << 20, "more than gRPC's default inbound message: " + bytes);
        assertTrue(units.stream().allMatch(u -> u.text().length() >= RealisticUnits.MIN_BYTES && u.text().length() <= RealisticUnits.MAX_BYTES),
                units.stream().mapToInt(u -> u.text().length()).summaryStatistics().toString());

        long start = System.nanoTime();
        Map<String, Boolean> created = registry.createUnits(units);
        long createdMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(created.values().stream().allMatch(b -> b));

        start = System.nanoTime();
        Versioned<List<UnitRecord>> listed = registry.units();
        long listMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(units.size(), listed.value().size());
        assertEquals(units.stream().map(UnitRecord::name).sorted().toList(),
                listed.value().stream().map(UnitRecord::name).toList(), "sorted by name, each once");
        assertEquals(units.get(7), listed.value().stream().filter(u -> u.name().equals(units.get(7).name())).findFirst().get());

        WatchView<UnitRecord> view = new WatchView<>();
        closer.add(registry.watchUnits(view));
        await().atMost(BOUND).until(() -> view.items.size() == units.size());
        assertEquals(1, view.snapshots());
        assertNull(view.violation());

        WatchView<ClusterItem> cluster = new WatchView<>();
        closer.add(registry.watchCluster(0, batch -> batch.forEach(cluster)));
        await().atMost(BOUND).until(() -> cluster.items.size() == units.size());
        System.out.printf("10,000 realistic units (%d bytes of text): created in %d ms, listed in %d ms (load %s)%n",
                bytes, createdMs, listMs, RealisticUnits.loadAverage());
    }

    @Test
    void unitsAtTheSizeLimitListAndWatchTogether() {
        Registry registry = closer.add(Registry.connect(etcd.newConfig()));
        // Ten units at the limit are more than 4 MiB together, globals among them.
        List<UnitRecord> big = IntStream.range(0, 10).mapToObj(i -> RealisticUnits.largest("big-" + i + ".service", i % 2 == 0)).toList();
        for (UnitRecord u : big) {
            assertTrue(registry.createUnit(u), u.name());
        }
        assertEquals(10, registry.units().value().size());
        assertEquals(5, registry.globalUnits().value().size());
        WatchView<UnitRecord> view = new WatchView<>();
        closer.add(registry.watchGlobalUnits(view));
        await().atMost(BOUND).until(() -> view.items.size() == 5);
        assertEquals(big.get(0), registry.unit(big.get(0).name()).orElseThrow().value());
    }

    @Test
    void aUnitIsStoredAsItsTextNotAnEscapedCopy() throws Exception {
        EtcdRegistry registry = (EtcdRegistry) closer.add(Registry.connect(etcd.newConfig()));
        String text = "[Service]\nExecStart=/bin/echo " + "\"\\".repeat(1000) + "\n";
        UnitRecord unit = RealisticUnits.record("quotes.service", text, DesiredState.LAUNCHED);
        assertTrue(registry.createUnit(unit));
        KeyValue stored = registry.client().getKVClient().get(registry.keys().unit(unit.name())).get().getKvs().get(0);
        int size = stored.getValue().size();
        assertTrue(size <= text.length() + Codec.UNIT_HEADER_BYTES, "stored " + size + " bytes for " + text.length());
        assertEquals(unit, registry.unit(unit.name()).orElseThrow().value());
    }

    @Test
    void aUnitStoredInTheOlderJsonFormIsStillRead() throws Exception {
        EtcdRegistry registry = (EtcdRegistry) closer.add(Registry.connect(etcd.newConfig()));
        UnitRecord unit = RealisticUnits.record("old.service", "[Service]\nExecStart=/bin/echo \"hi\"\n", DesiredState.LOADED);
        String json = dev.flotilla.json.Json.writeString(
                Map.of("text", unit.text(), "hash", unit.hash(), "desired", "loaded"));
        registry.client().getKVClient().put(registry.keys().unit(unit.name()), Keys.bytes(json)).get();
        assertEquals(unit, registry.unit(unit.name()).orElseThrow().value());
        assertEquals(List.of(unit), registry.units().value());
    }
}
