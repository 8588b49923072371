package dev.flotilla.engine.scheduler;

import dev.flotilla.unitfile.Glob;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which residents of each machine a Conflicts= pattern matches, kept as units come and go.
 *
 * <p>Without it, a unit with Conflicts= tested its patterns against every resident of every machine
 * it passed over, and again in its wait reason: patterns x residents x machines per unit. 5,000
 * {@code Conflicts=solo-*} units among 100,000 on 1,000 machines took minutes a pass. Here a machine
 * learns a pattern the first time a unit with it is checked there (one walk over its residents);
 * after that only a newcomer is tested against the patterns the machine knows.
 *
 * <p>It also counts every pattern test it makes, so a test can bound the work of a pass.
 */
final class PatternIndex {

    private long tests;

    /** Pattern tests made so far (by this index, for Conflicts=). */
    long tests() {
        return tests;
    }

    boolean anyMatches(List<Glob> patterns, String name) {
        for (int i = 0, n = patterns.size(); i < n; i++) {
            tests++;
            if (patterns.get(i).matches(name)) {
                return true;
            }
        }
        return false;
    }

    /** The first resident of the node by name, other than {@code except}, that one of the patterns matches; null if none. */
    Job firstMatching(Node node, List<Glob> patterns, Job except) {
        Job first = null;
        for (int i = 0, n = patterns.size(); i < n; i++) {
            for (Job resident : matching(node, patterns.get(i))) {
                if (resident != except) {
                    if (first == null || resident.name.compareTo(first.name) < 0) {
                        first = resident;
                    }
                    break; // by name: the first one other than except is this pattern's smallest
                }
            }
        }
        return first;
    }

    private List<Job> matching(Node node, Glob pattern) {
        if (node.byPattern.isEmpty()) {
            node.byPattern = new HashMap<>(2);
        }
        List<Job> found = node.byPattern.get(pattern);
        if (found == null) {
            found = new ArrayList<>(2);
            for (Job resident : node.residents) { // already by name
                tests++;
                if (pattern.matches(resident.name)) {
                    found.add(resident);
                }
            }
            node.byPattern.put(pattern, found);
        }
        return found;
    }

    /** The job just joined the node's residents. */
    void added(Node node, Job job) {
        for (Map.Entry<Glob, List<Job>> e : node.byPattern.entrySet()) {
            tests++;
            if (e.getKey().matches(job.name)) {
                Node.insertByName(e.getValue(), job);
            }
        }
    }

    /** The job just left the node's residents. */
    void removed(Node node, Job job) {
        for (List<Job> jobs : node.byPattern.values()) {
            jobs.remove(job);
        }
    }
}
