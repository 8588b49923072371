package dev.flotilla.registry;

import dev.flotilla.model.UnitRecord;

/**
 * Which units are global. They are also indexed under globals/, in the same write as the unit, so
 * an agent can follow them without watching every unit of the cluster.
 */
final class GlobalUnits {
    private GlobalUnits() {
    }

    static boolean isGlobal(UnitRecord unit) {
        try {
            return dev.flotilla.unitfile.UnitFile.parse(unit.name(), unit.text()).fleet().global();
        } catch (RuntimeException e) {
            return false; // the API refuses invalid units before they get here
        }
    }
}
