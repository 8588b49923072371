package dev.flotilla.api.server;

import dev.flotilla.registry.ClusterItem;
import dev.flotilla.model.DesiredState;
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
 *
 * <p>The watch sees every write in the cluster, so it runs only while switched on (flotd: while
 * its engine leads). Were every daemon to keep one, each of 1,000 machines would be woken by every
 * unit and state change of the cluster, which the key layout exists to avoid.
 */
final class ClusterCounts implements AutoCloseable {
    /** What a scrape reports; {@code revision} 0 = no snapshot yet. */
    record Counts(boolean counting, Map<DesiredState, Integer> unitsByDesired, Map<String, Integer> statesByActive,
                  int machines, long revision) {
    }

    private final Map<String, DesiredState> units = new HashMap<>();
    private final Map<String, String> activeStates = new HashMap<>();
    private final Map<String, Boolean> machines = new HashMap<>();
    private long revision;
    private final Registry registry;
    private Subscription subscription;
    private boolean counting;
    /** Bumped on every switch, so a batch from a watch already closed is dropped. */
    private long generation;

    /** Not counting until {@link #count(boolean)} switches it on. */
    ClusterCounts(Registry registry) {
        this.registry = registry;
    }

    /** For tests of the counting alone: counting, fed through {@link #apply}. */
    ClusterCounts() {
        this.registry = null;
        this.counting = true;
    }

    /** Starts (a list, then a watch) or stops counting; a no-op if already so. */
    synchronized void count(boolean on) {
        if (on == counting || registry == null) {
            return;
        }
        counting = on;
        long g = ++generation;
        clear();
        if (on) {
            subscription = registry.watchCluster(0, batch -> apply(g, batch));
        } else if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }

    private synchronized void apply(long g, List<WatchEvent<ClusterItem>> batch) {
        if (g == generation) {
            apply(batch);
        }
    }

    private void clear() {
        units.clear();
        activeStates.clear();
        machines.clear();
        revision = 0;
    }

    synchronized void apply(List<WatchEvent<ClusterItem>> batch) {
        for (WatchEvent<ClusterItem> e : batch) {
            e.foldInto(new WatchEvent.Fold<>() {
                @Override
                public void clear() {
                    ClusterCounts.this.clear();
                }

                @Override
                public void put(String key, ClusterItem value) {
                    ClusterCounts.this.put(key, value);
                }

                @Override
                public void remove(String key, ClusterItem previous) {
                    units.remove(key);
                    activeStates.remove(key);
                    machines.remove(key);
                }
            });
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
        return new Counts(counting, byDesired, byActive, machines.size(), revision);
    }

    @Override
    public synchronized void close() {
        generation++;
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }
}
