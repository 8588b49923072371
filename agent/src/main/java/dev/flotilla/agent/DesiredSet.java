package dev.flotilla.agent;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What this machine should have after local Conflicts resolution.
 *
 * @param units by name
 * @param held  units to leave exactly as they are this pass (assigned, but the text the engine assigned
 *              can't be read yet: the engine rewrites the assignment soon)
 * @param notes unit name to why it is not started or held, for the log
 */
record DesiredSet(Map<String, DesiredUnit> units, Set<String> held, SortedMap<String, String> notes) {
    static final DesiredSet EMPTY = new DesiredSet(Map.of(), Set.of(), new TreeMap<>());

    DesiredSet {
        units = Map.copyOf(units);
        held = Set.copyOf(held);
        notes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(notes));
    }
}
