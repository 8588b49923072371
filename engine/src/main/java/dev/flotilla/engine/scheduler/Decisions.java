package dev.flotilla.engine.scheduler;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The outcome of one pass.
 *
 * @param decisions every {@link Decision.Unassign} (by unit name) followed by every {@link Decision.Assign}
 *                  (by unit name): carried out in this order, no machine ever holds two units that the
 *                  pass keeps apart
 * @param waiting   unit name to a human-readable reason, for every unit that wants a machine and has none
 * @param machines  every live machine by id, with what is allocated on it once the decisions are
 *                  carried out
 */
public record Decisions(List<Decision> decisions, SortedMap<String, String> waiting,
                        MachineLoads machines) {

    public Decisions {
        decisions = List.copyOf(decisions);
        waiting = Collections.unmodifiableSortedMap(new TreeMap<>(waiting));
        java.util.Objects.requireNonNull(machines, "machines");
    }

    /** Decisions that say nothing of machines' loads. */
    public Decisions(List<Decision> decisions, SortedMap<String, String> waiting) {
        this(decisions, waiting, MachineLoads.NONE);
    }

    public boolean isEmpty() {
        return decisions.isEmpty();
    }

    /** {@code assignments} after carrying out these decisions. */
    public Map<String, String> applyTo(Map<String, String> assignments) {
        Map<String, String> after = new HashMap<>(assignments);
        for (Decision d : decisions) {
            if (d instanceof Decision.Unassign u) {
                after.remove(u.unit(), u.machine());
            } else {
                after.put(d.unit(), d.machine());
            }
        }
        return after;
    }
}
