package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Constraints;
import dev.flotilla.engine.scheduler.MetadataRule;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.FleetRequirements;
import dev.flotilla.unitfile.MetadataRequirement;

import java.util.HashMap;
import java.util.Map;

/**
 * A unit's [X-Fleet] requirements ({@link UnitFacts#fleet}) in the scheduler's own form, so the
 * scheduler does not depend on the parser. Texts are read (and cached) by {@link UnitFacts}; this
 * keeps each unit's converted form while its facts are the same, since building the metadata rules
 * of 10,000 units anew took more of a pass than looking up their facts (measured: ~9-16 ms against
 * ~1 ms per pass on a busy box). Not thread-safe: one planner's.
 */
final class FleetConstraints {

    private record Converted(UnitFacts facts, Constraints constraints) {
    }

    private final Map<String, Converted> byUnit = new HashMap<>();

    /** Why a unit whose text cannot be read waits. */
    static String invalid(UnitFacts facts) {
        // The API refuses such units; one written by other means waits, visibly, instead of
        // stopping the engine.
        return "its unit file is invalid: " + facts.problem().orElseThrow();
    }

    /** The constraints of a unit whose text could be read. */
    Constraints of(UnitFacts facts) {
        Converted c = byUnit.get(facts.name());
        if (c == null || c.facts() != facts) {
            c = new Converted(facts, constraints(facts.fleet()));
            byUnit.put(facts.name(), c);
        }
        return c.constraints();
    }

    /** Drops the units that are gone, so this stays the size of the cluster. */
    void retainOnly(Map<String, UnitRecord> units) {
        byUnit.keySet().retainAll(units.keySet());
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
