package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Constraints;
import dev.flotilla.engine.scheduler.MetadataRule;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.unitfile.FleetRequirements;
import dev.flotilla.unitfile.MetadataRequirement;

/**
 * A unit's [X-Fleet] requirements ({@link UnitFacts#fleet}) in the scheduler's own form, so the
 * scheduler does not depend on the parser. The text is read (and cached) by {@link UnitFacts}.
 */
final class FleetConstraints {
    private FleetConstraints() {
    }

    /** Why a unit whose text cannot be read waits. */
    static String invalid(UnitFacts facts) {
        // The API refuses such units; one written by other means waits, visibly, instead of
        // stopping the engine.
        return "its unit file is invalid: " + facts.problem().orElseThrow();
    }

    static Constraints of(UnitFacts facts) {
        return constraints(facts.fleet());
    }

    static Constraints constraints(FleetRequirements fleet) {
        if (fleet.isEmpty()) {
            return Constraints.NONE; // most units: nothing to convert, nothing to allocate
        }
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
