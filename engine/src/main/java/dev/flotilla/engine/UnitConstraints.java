package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Constraints;
import dev.flotilla.engine.scheduler.MetadataRule;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.FleetRequirements;
import dev.flotilla.unitfile.MetadataRequirement;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns a unit's text into the scheduler's {@link Constraints}. Parsing is cached by name and hash:
 * a pass looks at every unit, but a unit's text changes rarely.
 */
final class UnitConstraints {

    /** The constraints of a unit, or why its text cannot be scheduled. */
    record Parsed(Constraints constraints, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    private record Key(String name, String hash) {
    }

    private final Map<Key, Parsed> cache = new HashMap<>();

    Parsed of(UnitRecord unit) {
        Key key = new Key(unit.name(), unit.hash());
        Parsed hit = cache.get(key);
        if (hit == null) {
            hit = parse(unit);
            cache.put(key, hit);
        }
        return hit;
    }

    /** Drops entries of units that are gone or changed, so the cache stays the size of the cluster. */
    void retainOnly(Map<String, UnitRecord> units) {
        cache.keySet().removeIf(k -> {
            UnitRecord u = units.get(k.name());
            return u == null || !u.hash().equals(k.hash());
        });
    }

    static Parsed parse(UnitRecord unit) {
        FleetRequirements fleet;
        try {
            fleet = UnitFile.parse(unit.name(), unit.text()).fleet();
        } catch (UnitFileException | IllegalArgumentException e) {
            // The API refuses such units; one written by other means waits, visibly, instead of
            // stopping the engine.
            return new Parsed(null, "its unit file is invalid: " + e.getMessage());
        }
        return new Parsed(constraints(fleet), null);
    }

    static Constraints constraints(FleetRequirements fleet) {
        return new Constraints(fleet.machineId(), fleet.machineOf(), metadata(fleet.metadata()),
                fleet.conflictGlobs(), fleet.replaceGlobs(), fleet.global());
    }

    static MetadataRule metadata(MetadataRequirement requirement) {
        if (requirement.isEmpty()) {
            return MetadataRule.ANY;
        }
        return MetadataRule.of(requirement.required(), requirement.excluded());
    }
}
