package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Machines ordered by (load, id): the least loaded machine is the first, and moving one unit costs
 * O(log machines) instead of a sort of every machine per placement.
 *
 * <p>A MachineMetadata rule shared by several units also gets its own ordered set holding only the
 * machines it matches. Scanning the global order would walk past every lighter machine that does not
 * match (O(machines) once the matching ones fill up); the rule's set starts at a match. The first fit
 * is the same either way, only found sooner. Each set adds O(log machines) to every load change of its
 * members, hence the cap on how many a pass keeps.
 */
final class LoadIndex {

    static final int MAX_RULE_SETS = 64;

    private static final Comparator<Node> LEAST_LOADED_FIRST =
            (a, b) -> a.load != b.load ? Integer.compare(a.load, b.load) : a.id.compareTo(b.id);

    private final TreeSet<Node> all = new TreeSet<>(LEAST_LOADED_FIRST);
    private final Map<MetadataRule, TreeSet<Node>> byRule = new HashMap<>();

    void add(Node node) {
        all.add(node);
    }

    /** Re-keys the node in every set holding it: it must leave a tree before its load changes. */
    void adjust(Node node, int delta) {
        all.remove(node);
        List<TreeSet<Node>> sets = node.ruleSets;
        for (int i = 0, n = sets.size(); i < n; i++) {
            sets.get(i).remove(node);
        }
        node.load += delta;
        all.add(node);
        for (int i = 0, n = sets.size(); i < n; i++) {
            sets.get(i).add(node);
        }
    }

    /** Gives {@code rule} its own set of matching machines (call before any placement uses it). */
    boolean indexRule(MetadataRule rule) {
        if (byRule.containsKey(rule) || byRule.size() >= MAX_RULE_SETS) {
            return byRule.containsKey(rule);
        }
        TreeSet<Node> matching = new TreeSet<>(LEAST_LOADED_FIRST);
        for (Node node : all) {
            if (rule.matches(node.metadata)) {
                matching.add(node);
                if (node.ruleSets.isEmpty()) {
                    node.ruleSets = new ArrayList<>(2);
                }
                node.ruleSets.add(matching);
            }
        }
        byRule.put(rule, matching);
        return true;
    }

    /** Rules used by two units or more that want a machine get their own machine set; in name order. */
    void indexSharedRules(List<Job> byName) {
        Map<MetadataRule, Integer> uses = new HashMap<>();
        for (Job job : byName) {
            MetadataRule rule = job.constraints.metadata();
            if (job.wantsMachine() && rule instanceof MetadataMatch && rule != MetadataRule.ANY
                    && uses.merge(rule, 1, Integer::sum) == 2) {
                indexRule(rule);
            }
        }
    }

    /** Ascending (load, id), limited to the machines {@code rule} matches when it has its own set. */
    Iterable<Node> leastLoadedFirst(MetadataRule rule) {
        TreeSet<Node> set = rule == MetadataRule.ANY ? null : byRule.get(rule);
        return Collections.unmodifiableSet(set != null ? set : all);
    }
}
