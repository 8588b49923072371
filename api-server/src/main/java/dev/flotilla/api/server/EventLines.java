package dev.flotilla.api.server;

import dev.flotilla.api.ClusterEvent;
import dev.flotilla.api.MachineEntity;
import dev.flotilla.api.UnitStateEntity;
import dev.flotilla.registry.ClusterItem;
import dev.flotilla.registry.WatchEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Turns one revision of the registry's cluster watch into the API's event; pure. */
final class EventLines {
    private EventLines() {
    }

    /**
     * @param batch    a Snapshot alone, or the changes of one revision
     * @param since    the revision the client asked to resume after (0 = from a snapshot)
     * @param first    whether this is the stream's first batch
     */
    static ClusterEvent event(List<WatchEvent<ClusterItem>> batch, long since, boolean first) {
        WatchEvent<ClusterItem> head = batch.get(0);
        if (head instanceof WatchEvent.Snapshot<ClusterItem> s) {
            return new ClusterEvent(s.revision(), reason(since, first), snapshot(s.items()), null);
        }
        List<ClusterEvent.Change> changes = new ArrayList<>(batch.size());
        for (WatchEvent<ClusterItem> e : batch) {
            changes.add(change(e));
        }
        return new ClusterEvent(head.revision(), null, null, changes);
    }

    private static String reason(long since, boolean first) {
        if (first && since == 0) {
            return "requested: the state now, then every change";
        }
        if (first) {
            return "revision " + since + " is no longer in etcd's history (compacted): the state now, then every change";
        }
        return "the cluster watch had a gap (etcd unreachable or compacted): the state now, then every change";
    }

    private static ClusterEvent.Snapshot snapshot(Map<String, ClusterItem> items) {
        List<ClusterEvent.EventUnit> units = new ArrayList<>();
        List<MachineEntity> machines = new ArrayList<>();
        List<UnitStateEntity> states = new ArrayList<>();
        for (ClusterItem item : items.values()) {
            if (item instanceof ClusterItem.UnitItem u) {
                units.add(unit(u));
            } else if (item instanceof ClusterItem.MachineItem m) {
                machines.add(machine(m));
            } else if (item instanceof ClusterItem.StateItem s) {
                states.add(state(s));
            }
        }
        units.sort(Comparator.comparing(ClusterEvent.EventUnit::name));
        machines.sort(Comparator.comparing(MachineEntity::id));
        states.sort(Comparator.comparing(UnitStateEntity::machineID).thenComparing(UnitStateEntity::name));
        return new ClusterEvent.Snapshot(units, machines, states);
    }

    private static ClusterEvent.Change change(WatchEvent<ClusterItem> e) {
        String key = e instanceof WatchEvent.Updated<ClusterItem> u ? u.key() : ((WatchEvent.Removed<ClusterItem>) e).key();
        if (e instanceof WatchEvent.Updated<ClusterItem> u) {
            ClusterItem item = u.value();
            if (item instanceof ClusterItem.UnitItem unit) {
                return new ClusterEvent.Change("unit", "updated", unit.unit().name(), null, unit(unit), null, null);
            }
            if (item instanceof ClusterItem.MachineItem m) {
                return new ClusterEvent.Change("machine", "updated", null, m.machine().id(), null, machine(m), null);
            }
            ClusterItem.StateItem s = (ClusterItem.StateItem) item;
            return new ClusterEvent.Change("state", "updated", s.state().unit(), s.state().machineId(), null, null, state(s));
        }
        if (key.startsWith(ClusterItem.UNITS)) {
            return new ClusterEvent.Change("unit", "removed", key.substring(ClusterItem.UNITS.length()), null, null, null, null);
        }
        if (key.startsWith(ClusterItem.MACHINES)) {
            return new ClusterEvent.Change("machine", "removed", null, key.substring(ClusterItem.MACHINES.length()), null, null, null);
        }
        String rest = key.substring(ClusterItem.STATES.length());
        int slash = rest.indexOf('/');
        return new ClusterEvent.Change("state", "removed", rest.substring(slash + 1), rest.substring(0, Math.max(0, slash)),
                null, null, null);
    }

    private static ClusterEvent.EventUnit unit(ClusterItem.UnitItem u) {
        return new ClusterEvent.EventUnit(u.unit().name(), u.unit().hash(), u.unit().desired().fleetName());
    }

    /** Flotilla's machine JSON: fleet's fields, apiURL, and the capacity when the machine announces one. */
    private static MachineEntity machine(ClusterItem.MachineItem m) {
        dev.flotilla.model.Machine machine = m.machine();
        dev.flotilla.model.Resources c = machine.capacity();
        return new MachineEntity(machine.id(), machine.publicIp(), machine.metadata(), machine.apiUrl(),
                c.isNone() ? null : new MachineEntity.Capacity(c.cpuMillis(), c.memoryBytes()));
    }

    private static UnitStateEntity state(ClusterItem.StateItem s) {
        dev.flotilla.model.UnitState st = s.state();
        return new UnitStateEntity(st.unit(), st.hash(), st.machineId(), st.loadState(), st.activeState(), st.subState());
    }
}
