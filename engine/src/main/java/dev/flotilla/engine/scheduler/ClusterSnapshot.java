package dev.flotilla.engine.scheduler;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one scheduling pass looks at.
 *
 * @param machines    the live machines
 * @param units       every unit in the cluster, global ones included (they weigh on machines)
 * @param assignments unit name to machine id, as currently recorded; may name machines that are gone
 *                    and units that no longer exist
 */
public record ClusterSnapshot(List<MachineView> machines, List<UnitView> units, Map<String, String> assignments) {

    public ClusterSnapshot {
        machines = List.copyOf(machines);
        units = List.copyOf(units);
        assignments = Map.copyOf(assignments);
        Set<String> seen = new HashSet<>();
        for (MachineView m : machines) {
            if (!seen.add(m.id())) {
                throw new IllegalArgumentException("machine " + m.id() + " appears twice");
            }
        }
        seen.clear();
        for (UnitView u : units) {
            if (!seen.add(u.name())) {
                throw new IllegalArgumentException("unit " + u.name() + " appears twice");
            }
        }
    }
}
