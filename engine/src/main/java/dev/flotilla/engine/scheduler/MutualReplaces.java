package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two units that replace each other can never both run. fleet ignored such pairs (so its result
 * depended on timing); here exactly one wins, deterministically: one that already has a live machine
 * before one that has none, then the smaller name. The loser waits ({@link Job#excludedBy}).
 */
final class MutualReplaces {

    private MutualReplaces() {
    }

    static void settle(List<Job> byName, Map<String, Node> nodes) {
        List<Job> replacers = new ArrayList<>();
        for (Job job : byName) {
            if (job.wantsMachine() && job.hasReplaces()) {
                replacers.add(job);
            }
        }
        Map<Job, List<Job>> partners = new HashMap<>();
        for (int i = 0; i < replacers.size(); i++) {
            for (int k = i + 1; k < replacers.size(); k++) {
                Job a = replacers.get(i);
                Job b = replacers.get(k);
                if (a.replaces(b) && b.replaces(a)) {
                    partners.computeIfAbsent(a, x -> new ArrayList<>()).add(b);
                    partners.computeIfAbsent(b, x -> new ArrayList<>()).add(a);
                }
            }
        }
        if (partners.isEmpty()) {
            return;
        }
        List<Job> contestants = new ArrayList<>(partners.keySet());
        contestants.sort(Comparator.<Job, Boolean>comparing(j -> !hasLiveMachine(j, nodes)).thenComparing(j -> j.name));
        Set<Job> winners = new HashSet<>();
        for (Job a : contestants) {
            if (a.excludedBy != null) {
                continue;
            }
            winners.add(a);
            for (Job b : partners.get(a)) {
                if (!winners.contains(b) && b.excludedBy == null) {
                    b.excludedBy = a.name;
                }
            }
        }
    }

    private static boolean hasLiveMachine(Job job, Map<String, Node> nodes) {
        return job.assignedTo != null && nodes.containsKey(job.assignedTo);
    }
}
