package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Keep and place, the middle of a pass: which units stay where they are, then a machine for each of
 * the rest, in {@link #ORDER}. A unit with Replaces= pushes what it replaces off its machine; those
 * units (and their followers) go back into the queue. The filters say whether one unit fits one
 * machine ({@link Filter}), the {@link LoadIndex} which machine to try next, {@link WaitReasons} why a
 * unit fits nowhere.
 */
final class Placement {

    /** Peers before followers; among equals, units with Replaces= first (they claim machines); then by name. */
    static final Comparator<Job> ORDER = (a, b) -> {
        if (a.depth != b.depth) {
            return Integer.compare(a.depth, b.depth);
        }
        if (a.hasReplaces() != b.hasReplaces()) {
            return a.hasReplaces() ? -1 : 1;
        }
        return a.name.compareTo(b.name);
    };

    private final TreeMap<String, Node> nodes;
    private final Ranking index;
    private final PriorityQueue<Job> queue = new PriorityQueue<>(ORDER);
    /** Unit name to why it has no machine, for every unit that waits so far. */
    final TreeMap<String, String> waiting = new TreeMap<>();

    Placement(TreeMap<String, Node> nodes, Ranking index) {
        this.nodes = nodes;
        this.index = index;
    }

    /**
     * Every unit that still fits the machine it has stays there, checked against the units kept before
     * it; the others are queued. Nothing is reshuffled just because a better machine exists.
     */
    void keepWhatStillFits(List<Job> byName) {
        List<Job> ordered = new ArrayList<>();
        for (Job job : byName) {
            if (!job.wantsMachine()) {
                continue;
            }
            if (job.depth == Job.CYCLE) {
                job.leftBecause = Decision.Reason.CONSTRAINTS_UNMET;
                waiting.put(job.name, "its MachineOf peers form a cycle");
            } else if (job.excludedBy != null) {
                job.leftBecause = Decision.Reason.REPLACED;
                waiting.put(job.name, "replaced by " + job.excludedBy
                        + ": the two replace each other, so only one of them is scheduled");
            } else {
                job.contender = true;
                ordered.add(job);
            }
        }
        ordered.sort(ORDER);
        for (Job job : ordered) {
            if (job.assignedTo == null) {
                enqueue(job);
                continue;
            }
            Node node = nodes.get(job.assignedTo);
            if (node == null) {
                job.leftBecause = Decision.Reason.MACHINE_GONE;
                enqueue(job);
                continue;
            }
            Optional<Veto> veto = Filter.first(Filter.TO_STAY, job, node);
            if (veto.isPresent()) {
                job.leftBecause = veto.get().reason();
                enqueue(job);
            } else {
                settle(job, node, false);
            }
        }
    }

    /** Places every queued unit, or records why it waits. */
    void placeTheRest() {
        Job job;
        while ((job = queue.poll()) != null) {
            job.queued = false;
            Choice choice = choose(job);
            if (choice.node() != null) {
                waiting.remove(job.name);
                settle(job, choice.node(), true);
            } else {
                waiting.put(job.name, choice.why());
            }
        }
    }

    void enqueue(Job job) {
        if (!job.queued) {
            job.queued = true;
            queue.add(job);
        }
    }

    /** Puts the unit on the machine; whatever it replaces there must go elsewhere. */
    private void settle(Job job, Node node, boolean placed) {
        node.add(job);
        job.node = node;
        job.pinned = placed;
        index.adjust(node, job, +1);
        if (job.hasReplaces()) {
            List<Job> victims = new ArrayList<>();
            for (Job other : node.residents) {
                if (job.replaces(other)) {
                    victims.add(other);
                }
            }
            for (Job victim : victims) {
                if (victim.node == node) { // an earlier eviction may have dragged it off already
                    evict(victim, Decision.Reason.REPLACED);
                }
            }
        }
    }

    /**
     * Takes a unit off its machine and queues it again; its followers come off with it, and those of
     * its followers that were waiting get another try. A unit is pushed off by Replaces= only while it
     * is merely kept (never once placed in this pass), which bounds the moves in one pass.
     */
    private void evict(Job job, Decision.Reason reason) {
        Node from = job.node;
        from.remove(job);
        index.adjust(from, job, -1);
        job.node = null;
        job.pinned = false;
        if (job.leftBecause == null) {
            job.leftBecause = reason;
        }
        enqueue(job);
        for (Job follower : job.followers) {
            if (follower.node == from) {
                evict(follower, Decision.Reason.PEER_MOVED);
            } else if (follower.node == null && !follower.queued && follower.contender
                    && waiting.remove(follower.name) != null) {
                enqueue(follower);
            }
        }
    }

    private record Choice(Node node, String why) {
        static Choice at(Node node) {
            return new Choice(node, null);
        }

        static Choice waits(String why) {
            return new Choice(null, why);
        }
    }

    /**
     * Feasibility then ranking: the one machine MachineID or MachineOf names, else the machine that
     * passes every filter and ranks least ({@link LoadIndex}). The machine must also have room for
     * the unit's followers that have no machine yet, as they will come where it goes.
     */
    private Choice choose(Job job) {
        job.carried = followersToCarry(job);
        try {
            return chooseCarrying(job);
        } finally {
            job.carried = List.of();
        }
    }

    private Choice chooseCarrying(Job job) {
        if (nodes.isEmpty()) {
            return Choice.waits("no machines in the cluster");
        }
        if (job.constraints.machineId().isPresent()) {
            if (job.target == null) {
                return Choice.waits(job.targetProblem);
            }
            return only(job, job.target, "its MachineID machine " + job.target.id);
        }
        String peerProblem = WaitReasons.peerProblem(job);
        if (peerProblem != null) {
            return Choice.waits(peerProblem);
        }
        for (Job peer : job.peers) {
            if (!peer.constraints.global()) {
                return only(job, peer.node, "machine " + peer.node.id + " of its MachineOf peer " + peer.name);
            }
        }
        Node best = index.best(job, node -> Filter.first(Filter.TO_PLACE, job, node).isEmpty());
        if (best != null) {
            return Choice.at(best);
        }
        return Choice.waits(WaitReasons.diagnose(job, nodes.values()));
    }

    /**
     * The followers (and theirs) that take part, want a machine and have none: placed after this unit,
     * onto its machine. Nearly every unit has none.
     */
    private static List<Job> followersToCarry(Job job) {
        if (job.followers.isEmpty()) {
            return List.of();
        }
        List<Job> found = new ArrayList<>();
        java.util.ArrayDeque<Job> todo = new java.util.ArrayDeque<>(job.followers);
        while (!todo.isEmpty()) {
            Job f = todo.poll();
            if (f != job && f.contender && f.node == null && f.wantsMachine() && !found.contains(f)) {
                found.add(f);
                todo.addAll(f.followers);
            }
        }
        return found;
    }

    private static Choice only(Job job, Node node, String where) {
        return Filter.first(Filter.TO_PLACE, job, node)
                .map(veto -> Choice.waits(veto.explain(where)))
                .orElseGet(() -> Choice.at(node));
    }
}
