package dev.flotilla.engine.scheduler;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The MachineOf relation between the units of a pass: each unit's peers and followers
 * ({@link Job#peers}, {@link Job#followers}), and its depth, the longest MachineOf chain above it, so
 * that ordering by depth handles every peer before its followers.
 */
final class PeerGraph {

    private PeerGraph() {
    }

    /** Links every unit that wants a machine to the peers its MachineOf= names (each name once). */
    static void link(List<Job> byName, Map<String, Job> jobs) {
        for (Job job : byName) {
            if (job.wantsMachine() && !job.constraints.machineOf().isEmpty()) {
                link(job, jobs);
            }
        }
    }

    static void link(Job job, Map<String, Job> jobs) {
        Set<String> seen = new HashSet<>();
        for (String name : job.constraints.machineOf()) {
            if (!seen.add(name)) {
                continue;
            }
            Job peer = jobs.get(name);
            if (peer == null) {
                job.addUnknownPeer(name);
            } else {
                job.addPeer(peer);
            }
        }
    }

    /**
     * Depth by Kahn's algorithm over peers that want a machine. Units left over sit on a cycle or below
     * one; only those truly on a cycle are marked {@link Job#CYCLE}, the others simply wait for a peer.
     */
    static void order(List<Job> byName) {
        Map<Job, Integer> pending = new HashMap<>();
        ArrayDeque<Job> ready = new ArrayDeque<>();
        for (Job job : byName) {
            if (!job.wantsMachine()) {
                continue;
            }
            int n = 0;
            for (Job peer : job.peers) {
                if (peer.wantsMachine()) {
                    n++;
                }
            }
            if (n == 0) {
                ready.add(job);
            } else {
                pending.put(job, n);
            }
        }
        deepen(ready, pending, follower -> true);
        // Left over: rare (the parser refuses mutual MachineOf), so a plain reachability check will do.
        for (Job job : pending.keySet()) {
            job.depth = reachesItself(job, pending.keySet()) ? Job.CYCLE : Integer.MAX_VALUE;
        }
    }

    private static boolean reachesItself(Job start, Set<Job> within) {
        ArrayDeque<Job> todo = new ArrayDeque<>(start.peers);
        Set<Job> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Job job = todo.poll();
            if (job == start) {
                return true;
            }
            if (within.contains(job) && seen.add(job)) {
                todo.addAll(job.peers);
            }
        }
        return false;
    }

    /**
     * MachineOf depths of the candidates as {@link #order} gives them, the depths of every other unit
     * being settled. False if some sit on or below a cycle (a pass from scratch handles those).
     */
    static boolean depthsWithin(List<Job> candidates) {
        Set<Job> set = new HashSet<>(candidates);
        Map<Job, Integer> pending = new HashMap<>();
        ArrayDeque<Job> ready = new ArrayDeque<>();
        for (Job job : candidates) {
            int n = 0;
            for (Job peer : job.peers) {
                if (!peer.wantsMachine()) {
                    continue;
                }
                if (set.contains(peer)) {
                    n++;
                } else if (peer.node == null) {
                    return false; // a peer that wants a machine, has none and is not retried: not settled
                } else {
                    job.depth = Math.max(job.depth, peer.depth + 1);
                }
            }
            if (n == 0) {
                ready.add(job);
            } else {
                pending.put(job, n);
            }
        }
        deepen(ready, pending, set::contains);
        return pending.isEmpty();
    }

    /**
     * The loop of Kahn's algorithm: each ready job passes its depth + 1 on to its followers among
     * {@code within}; a follower becomes ready once none of its counted peers is pending.
     */
    private static void deepen(ArrayDeque<Job> ready, Map<Job, Integer> pending, Predicate<Job> within) {
        while (!ready.isEmpty()) {
            Job job = ready.poll();
            for (Job follower : job.followers) {
                if (!within.test(follower)) {
                    continue;
                }
                follower.depth = Math.max(follower.depth, job.depth + 1);
                if (pending.merge(follower, -1, Integer::sum) == 0) {
                    pending.remove(follower);
                    ready.add(follower);
                }
            }
        }
    }
}
