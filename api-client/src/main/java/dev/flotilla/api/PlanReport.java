package dev.flotilla.api;

import java.util.List;

/**
 * The answer to {@code POST /flotilla/v1/plan}: what the scheduler would do with the given units.
 * Nothing was written.
 *
 * @param units    one entry per unit given, in the order given
 * @param affected the other units whose place the given ones would change (moved by Replaces= or
 *                 as followers, pushed into waiting, or placed at last), by name
 */
public record PlanReport(List<PlanEntry> units, List<PlanEntry> affected) {
    public PlanReport {
        units = units == null ? List.of() : List.copyOf(units);
        affected = affected == null ? List.of() : List.copyOf(affected);
    }

    /** Whether a given unit, or one it affects, would be left waiting. */
    public boolean anyWaits() {
        return units.stream().anyMatch(PlanEntry::waits) || affected.stream().anyMatch(PlanEntry::waits);
    }
}
