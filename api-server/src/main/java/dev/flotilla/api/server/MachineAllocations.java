package dev.flotilla.api.server;

import dev.flotilla.api.MachineDetail;
import dev.flotilla.api.ResourceAmounts;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.Resources;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.Demand;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is allocated on each machine, the one place the API computes it: the sum of the demands of
 * the launched units there (its assigned non-global units, and every global unit not desired
 * inactive whose MachineMetadata matches it), a percentage of memory resolved against that machine's capacity.
 * As in the scheduler, a loaded (stopped) unit keeps its machine and counts as one of its units,
 * but reserves nothing.
 * Pure.
 */
final class MachineAllocations {
    private MachineAllocations() {
    }

    static List<MachineDetail> of(List<Machine> machines, List<UnitRecord> units, List<Assignment> assignments) {
        Map<String, UnitRecord> byName = new HashMap<>(units.size() * 2);
        List<Global> globals = new ArrayList<>();
        for (UnitRecord u : units) {
            byName.put(u.name(), u);
            UnitFacts f = UnitFacts.of(u);
            if (f.readable() && f.global() && u.desired() != DesiredState.INACTIVE) {
                globals.add(new Global(f, u.desired() == DesiredState.LAUNCHED ? f.demand() : Demand.NONE));
            }
        }
        Map<String, Tally> tallies = new HashMap<>();
        for (Machine m : machines) {
            tallies.put(m.id(), new Tally(m.capacity()));
        }
        Set<String> counted = new HashSet<>();
        for (Assignment a : assignments) {
            Tally t = tallies.get(a.machineId());
            UnitRecord u = byName.get(a.unit());
            // a unit briefly assigned twice while it moves counts once, where it is first listed
            if (t == null || u == null || !counted.add(a.unit())) {
                continue;
            }
            UnitFacts f = UnitFacts.of(u);
            if (!f.global()) {
                t.add(u.desired() == DesiredState.LAUNCHED ? f.demand() : Demand.NONE);
            }
        }
        List<MachineDetail> details = new ArrayList<>(machines.size());
        for (Machine m : machines) {
            Tally t = tallies.get(m.id());
            for (Global g : globals) {
                if (g.facts().fleet().metadata().matches(m.metadata())) {
                    t.add(g.reserved());
                }
            }
            details.add(new MachineDetail(m.id(), m.publicIp(), m.metadata(), m.apiUrl(), amounts(m.capacity()),
                    new ResourceAmounts(t.cpuMillis, t.memoryBytes), t.units));
        }
        details.sort(Comparator.comparing(MachineDetail::id));
        return details;
    }

    private static ResourceAmounts amounts(Resources r) {
        return new ResourceAmounts(r.cpuMillis(), r.memoryBytes());
    }

    /** A global unit that weighs on the machines it matches, and what it reserves there. */
    private record Global(UnitFacts facts, Demand reserved) {
    }

    private static final class Tally {
        final Resources capacity;
        long cpuMillis;
        long memoryBytes;
        int units;

        Tally(Resources capacity) {
            this.capacity = capacity;
        }

        void add(Demand d) {
            cpuMillis += d.cpuMillis();
            memoryBytes += d.memoryOn(capacity.memoryBytes());
            units++;
        }
    }
}
