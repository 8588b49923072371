package dev.flotilla.api.server;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;

import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;

/**
 * The engine's reconcile pass over a given cluster state, writing nothing: what
 * {@code POST /flotilla/v1/plan} runs. The daemon supplies it (flotd: the engine's own planner), as
 * the API does not depend on the engine.
 */
@FunctionalInterface
public interface SchedulingPass {

    /**
     * @param machineOf unit to the machine it would be assigned to after the pass (non-global units)
     * @param waiting   unit to the scheduler's reason why it would wait
     */
    record Outcome(Map<String, String> machineOf, SortedMap<String, String> waiting) {
    }

    Outcome run(Collection<Machine> machines, Collection<UnitRecord> units, Collection<Assignment> assignments);
}
