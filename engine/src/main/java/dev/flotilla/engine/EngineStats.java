package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.MachineLoads;

/**
 * What the engine of this daemon has done, for logs and metrics.
 *
 * @param leader          whether this daemon's engine is the active one
 * @param leaderChanges   how often this engine gained or lost the leadership
 * @param passes          reconcile passes run while leader
 * @param lastPassMillis  duration of the last pass, writes included
 * @param totalPassMillis sum of all passes' durations
 * @param writes          registry changes written (assignments and waiting reasons)
 * @param failedPasses    passes that could not write (etcd unreachable)
 * @param units           units in the cluster at the last pass
 * @param waiting         units waiting for a machine at the last pass
 * @param fullPasses      passes that planned the whole cluster (the others planned only the units
 *                        added since the pass before)
 * @param machines        each live machine by id at the last pass that planned: what is allocated on
 *                        it (units, CPU, memory, global units included) and its capacity
 */
public record EngineStats(boolean leader, long leaderChanges, long passes, long lastPassMillis, long totalPassMillis,
                          long writes, long failedPasses, int units, int waiting,
                          long fullPasses, MachineLoads machines) {
}
