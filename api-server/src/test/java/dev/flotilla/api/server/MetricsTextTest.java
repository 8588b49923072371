package dev.flotilla.api.server;

import dev.flotilla.registry.ClusterItem;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.WatchEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsTextTest {
    @Test
    void familiesGetHelpAndTypeOnceAndLabelsAreEscaped() {
        String text = MetricsText.render(List.of(
                new Metric("a_total", "counter", "As.\nSecond line", Map.of("code", "2xx"), 3),
                new Metric("a_total", "counter", "ignored", Map.of("code", "5\"x\\"), 0),
                Metric.gauge("b_seconds", "B.", 0.25),
                Metric.gauge("c", "C.", Double.NaN)));
        assertEquals("""
                # HELP a_total As.\\nSecond line
                # TYPE a_total counter
                a_total{code="2xx"} 3
                a_total{code="5\\"x\\\\"} 0
                # HELP b_seconds B.
                # TYPE b_seconds gauge
                b_seconds 0.25
                # HELP c C.
                # TYPE c gauge
                c NaN
                """, text);
    }

    @Test
    void badNamesAndTypesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Metric.gauge("a-b", "x", 1));
        assertThrows(IllegalArgumentException.class, () -> new Metric("a", "histogram", "x", Map.of(), 1));
    }

    @Test
    void countsFollowSnapshotsUpdatesAndRemovals() {
        ClusterCounts c = new ClusterCounts();
        String m = "a".repeat(32);
        c.apply(List.of(new WatchEvent.Snapshot<ClusterItem>(Map.of(
                "units/a.service", unit("a.service", DesiredState.LAUNCHED),
                "units/b.service", unit("b.service", DesiredState.INACTIVE),
                "machines/" + m, new ClusterItem.MachineItem(new Machine(m, "127.0.0.1", Map.of(), "t")),
                "states/" + m + "/a.service", state(m, "a.service", "active")), 10)));
        ClusterCounts.Counts first = c.counts();
        assertEquals(Map.of(DesiredState.INACTIVE, 1, DesiredState.LOADED, 0, DesiredState.LAUNCHED, 1), first.unitsByDesired());
        assertEquals(1, first.statesByActive().get("active"));
        assertEquals(0, first.statesByActive().get("failed"));
        assertEquals(1, first.machines());
        c.apply(List.of(new WatchEvent.Updated<>("states/" + m + "/a.service", state(m, "a.service", "failed"), 11),
                new WatchEvent.Updated<>("units/b.service", unit("b.service", DesiredState.LOADED), 11)));
        c.apply(List.of(new WatchEvent.Removed<>("machines/" + m, null, 12)));
        ClusterCounts.Counts later = c.counts();
        assertEquals(Map.of(DesiredState.INACTIVE, 0, DesiredState.LOADED, 1, DesiredState.LAUNCHED, 1), later.unitsByDesired());
        assertEquals(0, later.statesByActive().get("active"));
        assertEquals(1, later.statesByActive().get("failed"));
        assertEquals(0, later.machines());
        assertEquals(12, later.revision());
    }

    private static ClusterItem unit(String name, DesiredState d) {
        return new ClusterItem.UnitItem(new UnitRecord(name, "[Service]\n", "h", d));
    }

    private static ClusterItem state(String machine, String unit, String active) {
        return new ClusterItem.StateItem(new UnitState(machine, unit, "h", "loaded", active, "x"));
    }
}
