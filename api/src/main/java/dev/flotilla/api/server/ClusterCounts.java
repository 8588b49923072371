package dev.flotilla.api.server;

import dev.flotilla.registry.ClusterItem;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Subscription;
import dev.flotilla.registry.WatchEvent;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of units (by desired state), unit states (by systemd active state) and machines, kept
 * up to date by one cluster watch, so a metrics scrape reads memory and never etcd. The watch
 * thread writes, scrapes read a copy taken under the lock (a few map walks).
 */
final class ClusterCounts implements AutoCloseable {
    /** What a scrape reports; {@code revision} 0 = no snapshot yet. */
    record Counts(Map<DesiredState, Integer> unitsByDesired, Map<String, Integer> statesByActive, int machines,
                  long revision) {
    }

    private final Map<String, DesiredState> units = new HashMap<>();
    private final Map<String, String> activeStates = new HashMap<>();
    private final Map<String, Boolean> machines = new HashMap<>();
    private long revision;
    private final Subscription subscription;

    ClusterCounts(Registry registry) {
        subscription = registry.watchCluster(0, this::apply);
    }

    /** For tests of the counting alone. */
    ClusterCounts() {
        subscription = null;
    }

    synchronized void apply(List<WatchEvent<ClusterItem>> batch) {
        for (WatchEvent<ClusterItem> e : batch) {
            if (e instanceof WatchEvent.Snapshot<ClusterItem> s) {
                units.clear();
                activeStates.clear();
                machines.clear();
                s.items().forEach(this::put);
            } else if (e instanceof WatchEvent.Updated<ClusterItem> u) {
                put(u.key(), u.value());
            } else if (e instanceof WatchEvent.Removed<ClusterItem> r) {
                units.remove(r.key());
                activeStates.remove(r.key());
                machines.remove(r.key());
            }
            revision = e.revision();
        }
    }

    private void put(String key, ClusterItem item) {
        if (item instanceof ClusterItem.UnitItem u) {
            units.put(key, u.unit().desired());
        } else if (item instanceof ClusterItem.StateItem s) {
            activeStates.put(key, s.state().activeState() == null ? "" : s.state().activeState());
        } else if (item instanceof ClusterItem.MachineItem) {
            machines.put(key, Boolean.TRUE);
        }
    }

    synchronized Counts counts() {
        Map<DesiredState, Integer> byDesired = new EnumMap<>(DesiredState.class);
        for (DesiredState d : DesiredState.values()) {
            byDesired.put(d, 0);
        }
        units.values().forEach(d -> byDesired.merge(d, 1, Integer::sum));
        Map<String, Integer> byActive = new TreeMap<>();
        for (String s : List.of("active", "activating", "deactivating", "failed", "inactive", "reloading")) {
            byActive.put(s, 0);
        }
        activeStates.values().forEach(s -> byActive.merge(s, 1, Integer::sum));
        return new Counts(byDesired, byActive, machines.size(), revision);
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
