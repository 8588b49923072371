package dev.flotilla.agent;

import dev.flotilla.model.Assignment;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.systemd.UnitStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The texts of the units the agent may run, assigned texts read from the registry once per
 * (unit, hash); and from them the desired set (model's UnitFacts parses each text once). Agent thread only.
 *
 * <p>The texts a pass lacks are read together, by name ({@link Registry#namedUnits}): one round trip
 * however many arrived since the last pass, and never a listing of every unit of the cluster (at
 * 100,000 units, tens of megabytes for a machine that needs twenty texts).
 */
final class UnitTexts {
    private final Registry registry;
    private final Map<String, UnitRecord> assignedUnits = new HashMap<>();
    /** Unit name to the assigned hash whose text could not be read (another hash, or no unit): don't re-read until it changes. */
    private final Map<String, String> unreadable = new HashMap<>();

    UnitTexts(Registry registry) {
        this.registry = registry;
    }

    /** The periodic resync: try the unreadable texts again. */
    void forgetUnreadable() {
        unreadable.clear();
    }

    /** The desired set of this machine now (reads the assigned texts it does not know yet). */
    DesiredSet desired(Map<String, Assignment> assignments, Map<String, UnitRecord> globals, Map<String, UnitStatus> states,
                       Map<String, String> metadata) {
        Set<String> running = new HashSet<>();
        states.forEach((n, st) -> {
            if (LocalState.isUp(st)) {
                running.add(n);
            }
        });
        List<DesiredSets.Global> gl = new ArrayList<>();
        for (UnitRecord r : globals.values()) {
            gl.add(new DesiredSets.Global(r, r.desired()));
        }
        return DesiredSets.build(assignments.values(), assignedTexts(assignments), gl, metadata, running);
    }

    /** The texts of the assignments, read from the registry once per (unit, hash). */
    private Map<String, UnitRecord> assignedTexts(Map<String, Assignment> assignments) {
        Collection<Assignment> current = assignments.values();
        assignedUnits.keySet().retainAll(assignments.keySet());
        unreadable.keySet().retainAll(assignments.keySet());
        List<Assignment> missing = new ArrayList<>();
        for (Assignment a : current) {
            UnitRecord f = assignedUnits.get(a.unit());
            if ((f == null || !f.hash().equals(a.hash())) && !a.hash().equals(unreadable.get(a.unit()))) {
                missing.add(a);
            }
        }
        if (!missing.isEmpty()) {
            Map<String, UnitRecord> read = registry.namedUnits(missing.stream().map(Assignment::unit).toList());
            missing.forEach(a -> learn(a, read.get(a.unit())));
        }
        Map<String, UnitRecord> out = new HashMap<>();
        for (Assignment a : current) {
            UnitRecord f = assignedUnits.get(a.unit());
            if (f != null && f.hash().equals(a.hash())) {
                out.put(a.unit(), f);
            }
        }
        return out;
    }

    private void learn(Assignment a, UnitRecord record) {
        if (record != null && record.hash().equals(a.hash())) {
            assignedUnits.put(a.unit(), record);
            unreadable.remove(a.unit());
        } else {
            unreadable.put(a.unit(), a.hash());
        }
    }
}
