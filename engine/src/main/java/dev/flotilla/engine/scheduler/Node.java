package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** A live machine during one pass: who is on it so far. */
final class Node {

    final String id;
    final Map<String, String> metadata;
    /** Units targeted at this machine; only {@link LoadIndex} changes it, as it orders nodes by it. */
    int load;
    /** The per-rule ordered sets of {@link LoadIndex} that hold this machine. */
    List<TreeSet<Node>> ruleSets = List.of();
    /** In arrival order, which the pass makes deterministic; a handful per machine, so a list. */
    final List<Job> residents = new ArrayList<>(4);
    /** Residents with Conflicts= / Replaces= patterns: the only ones that can turn a newcomer away. */
    final List<Job> conflicters = new ArrayList<>();
    final List<Job> replacers = new ArrayList<>();

    Node(MachineView view) {
        this.id = view.id();
        this.metadata = view.metadata();
    }

    void add(Job job) {
        residents.add(job);
        if (job.hasConflicts()) {
            conflicters.add(job);
        }
        if (job.hasReplaces()) {
            replacers.add(job);
        }
    }

    void remove(Job job) {
        residents.remove(job);
        conflicters.remove(job);
        replacers.remove(job);
    }

    @Override
    public String toString() {
        return id;
    }
}
