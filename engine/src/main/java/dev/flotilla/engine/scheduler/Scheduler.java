package dev.flotilla.engine.scheduler;

/**
 * The scheduler: a pure function from a cluster snapshot to assignment decisions. No I/O, no clock,
 * no threads; the same snapshot always yields the same decisions.
 */
@FunctionalInterface
public interface Scheduler {

    Decisions schedule(ClusterSnapshot snapshot);

    /** fleet's policy: each unit goes to the least loaded machine that satisfies its constraints. */
    static Scheduler leastLoaded() {
        return LeastLoadedScheduler.INSTANCE;
    }
}
