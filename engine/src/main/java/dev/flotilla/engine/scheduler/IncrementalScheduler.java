package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The least-loaded scheduler keeping its working state (machines with their units and loads, the load
 * index, MachineOf links) from one pass to the next, so that a pass which only adds units, or loses a
 * machine, costs about the units it places and the ones waiting, not the whole cluster.
 *
 * <p>{@link #schedule} is {@link Scheduler#leastLoaded()} and keeps the pass. Once its decisions were
 * carried out, {@link #commit()}; then {@link #add} places units that have no machine yet, and
 * {@link #update} also drops machines that left and places their units again (Unassign
 * {@code MACHINE_GONE}, then Assign, or they wait; nothing else moves), each deciding exactly what
 * {@code schedule} would decide for the changed cluster. Anything else needs {@code schedule} again:
 * a unit removed, changed, turned inactive or global, a unit with Replaces= among those added or
 * waiting, a machine that left holding units while some unit has Replaces= (who wins a mutual
 * Replaces= depends on live machines, and a replacer placed anew pushes units off), a machine come or
 * changed. {@code add} and {@code update} say so by returning empty. Not thread-safe.
 */
public final class IncrementalScheduler implements Scheduler {
    private Pass pass;
    private final List<Job> decided = new ArrayList<>();
    private boolean committed;

    /** A pass from scratch, as {@link Scheduler#leastLoaded()}; it becomes the state once committed. */
    @Override
    public Decisions schedule(ClusterSnapshot snapshot) {
        pass = new Pass(snapshot);
        committed = false;
        decided.clear();
        Decisions d = pass.run();
        pass.allJobs().forEach(decided::add);
        return d;
    }

    /** The decisions of the last pass were carried out. */
    public void commit() {
        if (pass != null && !committed) {
            pass.commit(decided);
            decided.clear();
            committed = true;
        }
    }

    /** Forgets the state (the last decisions were not carried out, or the cluster changed otherwise). */
    public void invalidate() {
        pass = null;
        committed = false;
        decided.clear();
    }

    /** Whether {@link #add} may be called: a committed state exists. */
    public boolean ready() {
        return pass != null && committed;
    }

    /** Whether the state has units on any of these machines. */
    public boolean holdsUnitsOn(Set<String> machineIds) {
        return pass != null && pass.holdsUnitsOn(machineIds);
    }

    /** The machine the state has the unit on; null if none (or the unit is unknown). */
    public String machineOf(String unit) {
        Job job = pass == null ? null : pass.job(unit);
        return job == null || job.node == null ? null : job.node.id;
    }

    /**
     * Places units new to the scheduler, or that wanted no machine until now, and retries every unit
     * that waits. Empty (and the state forgotten) when this needs a pass from scratch.
     */
    public Optional<Decisions> add(List<UnitView> units) {
        return update(Set.of(), units);
    }

    /**
     * Drops the machines that left (ids it does not know are ignored), then as {@link #add}: their
     * units, the units added and every unit that waits are placed in one go. Empty (and the state
     * forgotten) when this needs a pass from scratch.
     */
    public Optional<Decisions> update(Set<String> goneMachines, List<UnitView> units) {
        if (!ready()) {
            throw new IllegalStateException("no committed pass to add to");
        }
        committed = false;
        Decisions d = pass.update(goneMachines, units, decided);
        if (d == null) {
            invalidate();
            return Optional.empty();
        }
        return Optional.of(d);
    }
}
