package dev.flotilla.engine.scheduler;

import dev.flotilla.unitfile.Glob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** A live machine during one pass: who is on it so far, and what they reserve. */
final class Node {

    final String id;
    final Map<String, String> metadata;
    final Capacity capacity;
    /** Units targeted at this machine; changed through {@link #change} only, under a {@link Ranking}. */
    int load;
    /** CPU and memory reserved here (global units included); changed with the load. */
    long cpuUsed;
    long memoryUsed;
    /** Every ordered set of {@link LoadIndex} that holds this machine (re-keyed on every change). */
    List<TreeSet<Node>> trees = new ArrayList<>(2);
    /** The last search of {@link LoadIndex} that looked at this machine (each looks once). */
    int seen;
    /**
     * By name, so that which resident a veto names never depends on the order units arrived in (a
     * pass from scratch and one that only adds units must say the same); a handful per machine.
     */
    final List<Job> residents = new ArrayList<>(4);
    /** Residents with Conflicts= / Replaces= patterns: the only ones that can turn a newcomer away. */
    final List<Job> conflicters = new ArrayList<>();
    final List<Job> replacers = new ArrayList<>();
    /** Residents by name that each Conflicts= pattern checked here matches; only {@link PatternIndex} touches it. */
    Map<Glob, List<Job>> byPattern = Map.of();
    final PatternIndex patterns;

    Node(MachineView view, PatternIndex patterns) {
        this.id = view.id();
        this.metadata = view.metadata();
        this.capacity = view.capacity();
        this.patterns = patterns;
    }

    void add(Job job) {
        insertByName(residents, job);
        if (job.hasConflicts()) {
            insertByName(conflicters, job);
        }
        if (job.hasReplaces()) {
            insertByName(replacers, job);
        }
        patterns.added(this, job);
    }

    static void insertByName(List<Job> jobs, Job job) {
        int i = jobs.size();
        while (i > 0 && jobs.get(i - 1).name.compareTo(job.name) > 0) {
            i--;
        }
        jobs.add(i, job);
    }

    void remove(Job job) {
        residents.remove(job);
        conflicters.remove(job);
        replacers.remove(job);
        patterns.removed(this, job);
    }

    /** Weighs a global unit here, before the node is ranked. */
    void reserve(Job global) {
        change(global, +1);
    }

    /** The job comes ({@code sign} +1) or goes (-1): load and reservations; a {@link Ranking} re-keys around it. */
    void change(Job job, int sign) {
        load += sign;
        cpuUsed += sign * job.demand.cpuMillis();
        memoryUsed += sign * job.demand.memoryOn(capacity.memoryBytes());
    }

    /** Memory free for more (negative if global units overfill it); Long.MAX_VALUE if unknown. */
    long memoryFree() {
        return capacity.memoryBytes() == 0 ? Long.MAX_VALUE : capacity.memoryBytes() - memoryUsed;
    }

    long cpuFree() {
        return capacity.cpuMillis() == 0 ? Long.MAX_VALUE : capacity.cpuMillis() - cpuUsed;
    }

    @Override
    public String toString() {
        return id;
    }
}
