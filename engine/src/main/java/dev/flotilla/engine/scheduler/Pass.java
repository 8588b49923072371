package dev.flotilla.engine.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One scheduling pass over one snapshot: mutable working state, used once, then dropped.
 *
 * <ol>
 *   <li>Keep: every unit that still fits the machine it has stays there, checked against the units
 *       kept before it. Nothing is reshuffled just because a better machine exists.</li>
 *   <li>Place: the rest, peers before followers, each on the least loaded machine that passes every
 *       filter (or directly on its MachineID / MachineOf machine). A unit with Replaces= pushes the
 *       units it replaces off its machine; they (and their followers) go back into the queue.</li>
 *   <li>Diff: where each unit ends up against where it was, as Unassign/Assign decisions.</li>
 * </ol>
 */
final class Pass {

    /** Peers before followers; among equals, units with Replaces= first (they claim machines); then by name. */
    private static final Comparator<Job> ORDER = (a, b) -> {
        if (a.depth != b.depth) {
            return Integer.compare(a.depth, b.depth);
        }
        if (a.hasReplaces() != b.hasReplaces()) {
            return a.hasReplaces() ? -1 : 1;
        }
        return a.name.compareTo(b.name);
    };

    /** fleet accepted the 8-character short id; we accept any prefix from that length on, if unambiguous. */
    static final int MIN_ID_PREFIX = 8;

    private static final int NAMES_SHOWN = 3;

    private final ClusterSnapshot snapshot;
    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private final Map<String, Job> jobs;
    /** Every job, by name: the order of every walk whose order shows in the result. */
    private final List<Job> byName;
    private final List<Job> globals = new ArrayList<>();
    private final LoadIndex index = new LoadIndex();
    private final PriorityQueue<Job> queue = new PriorityQueue<>(ORDER);
    private final TreeMap<String, String> waiting = new TreeMap<>();

    Pass(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
        for (MachineView m : snapshot.machines()) {
            nodes.put(m.id(), new Node(m));
        }
        jobs = new HashMap<>(snapshot.units().size() * 2);
        byName = new ArrayList<>(snapshot.units().size());
        for (UnitView u : snapshot.units()) {
            Job job = new Job(u, snapshot.assignments().get(u.name()));
            jobs.put(job.name, job);
            byName.add(job);
        }
        byName.sort(Comparator.comparing(j -> j.name));
        for (Job job : byName) {
            if (job.isActiveGlobal()) {
                globals.add(job);
            }
        }
    }

    Decisions run() {
        weighGlobals();
        linkPeers();
        orderByPeers();
        resolveMachineIds();
        indexSharedMetadataRules();
        findConflictingGlobals();
        settleMutualReplaces();
        keepWhatStillFits();
        placeTheRest();
        return decisions();
    }

    // ---- preparation ------------------------------------------------------------------------------

    /** Global units are never assigned, but each one is a unit on every machine it runs on. */
    private void weighGlobals() {
        for (Node node : nodes.values()) {
            for (Job global : globals) {
                if (global.runsOn(node)) {
                    node.load++;
                }
            }
            index.add(node);
        }
    }

    private void linkPeers() {
        for (Job job : byName) {
            if (!job.wantsMachine() || job.constraints.machineOf().isEmpty()) {
                continue;
            }
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
    }

    /**
     * Depth = longest MachineOf chain above a unit (Kahn's algorithm over peers that want a machine),
     * so that ordering by depth handles every peer before its followers. Units left over sit on a
     * cycle or below one; only those truly on a cycle are marked, the others simply wait for a peer.
     */
    private void orderByPeers() {
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

    /** MachineID short-circuits placement to one machine: find it once, O(log machines). */
    private void resolveMachineIds() {
        for (Job job : byName) {
            if (job.wantsMachine() && job.constraints.machineId().isPresent()) {
                resolveMachineId(job, job.constraints.machineId().get());
            }
        }
    }

    private void resolveMachineId(Job job, String wanted) {
        Node exact = nodes.get(wanted);
        if (exact != null) {
            job.target = exact;
            return;
        }
        String first = nodes.ceilingKey(wanted);
        if (first == null || !first.startsWith(wanted)) {
            job.targetProblem = "MachineID " + wanted + " matches no machine in the cluster";
        } else if (wanted.length() < MIN_ID_PREFIX) {
            job.targetProblem = "MachineID " + wanted + " matches no machine in the cluster (a shortened id needs at least "
                    + MIN_ID_PREFIX + " characters)";
        } else {
            String second = nodes.higherKey(first);
            if (second != null && second.startsWith(wanted)) {
                job.targetProblem = "MachineID " + wanted + " is ambiguous: machines " + first + " and " + second
                        + " both start with it";
            } else {
                job.target = nodes.get(first);
            }
        }
    }

    /** Rules used by two units or more get their own machine set (see {@link LoadIndex}); in name order. */
    private void indexSharedMetadataRules() {
        Map<MetadataRule, Integer> uses = new HashMap<>();
        for (Job job : byName) {
            MetadataRule rule = job.constraints.metadata();
            if (job.wantsMachine() && rule instanceof MetadataMatch && rule != MetadataRule.ANY
                    && uses.merge(rule, 1, Integer::sum) == 2) {
                index.indexRule(rule);
            }
        }
    }

    private void findConflictingGlobals() {
        if (globals.isEmpty()) {
            return;
        }
        for (Job job : byName) {
            if (!job.wantsMachine()) {
                continue;
            }
            noteConflictingGlobals(job);
        }
    }

    /** The global units this job's Conflicts= keep it away from (their machines are out for it). */
    private void noteConflictingGlobals(Job job) {
        List<Job> found = new ArrayList<>();
        for (Job global : globals) {
            if (job.conflictsWith(global)) {
                found.add(global);
            }
        }
        if (!found.isEmpty()) {
            job.conflictingGlobals = found;
        }
    }

    /**
     * Two units that replace each other can never both run. fleet ignored such pairs (so its result
     * depended on timing); here exactly one wins, deterministically: one that already has a live
     * machine before one that has none, then the smaller name. The loser waits.
     */
    private void settleMutualReplaces() {
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
        contestants.sort(Comparator.<Job, Boolean>comparing(j -> !hasLiveMachine(j)).thenComparing(j -> j.name));
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

    private boolean hasLiveMachine(Job job) {
        return job.assignedTo != null && nodes.containsKey(job.assignedTo);
    }

    // ---- keep, then place -------------------------------------------------------------------------

    private void keepWhatStillFits() {
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

    private void placeTheRest() {
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

    private void enqueue(Job job) {
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
        index.adjust(node, +1);
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
        index.adjust(from, -1);
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

    private Choice choose(Job job) {
        if (nodes.isEmpty()) {
            return Choice.waits("no machines in the cluster");
        }
        if (job.constraints.machineId().isPresent()) {
            if (job.target == null) {
                return Choice.waits(job.targetProblem);
            }
            return only(job, job.target, "its MachineID machine " + job.target.id);
        }
        String peerProblem = peerProblem(job);
        if (peerProblem != null) {
            return Choice.waits(peerProblem);
        }
        for (Job peer : job.peers) {
            if (!peer.constraints.global()) {
                return only(job, peer.node, "machine " + peer.node.id + " of its MachineOf peer " + peer.name);
            }
        }
        for (Node node : index.leastLoadedFirst(job.constraints.metadata())) {
            if (Filter.first(Filter.TO_PLACE, job, node).isEmpty()) {
                return Choice.at(node);
            }
        }
        return Choice.waits(diagnose(job));
    }

    private static Choice only(Job job, Node node, String where) {
        return Filter.first(Filter.TO_PLACE, job, node)
                .map(veto -> Choice.waits(veto.explain(where)))
                .orElseGet(() -> Choice.at(node));
    }

    /** Why MachineOf cannot be met on any machine yet, or null if the peers allow a choice. */
    private static String peerProblem(Job job) {
        if (!job.unknownPeers.isEmpty()) {
            return "MachineOf peer " + job.unknownPeers.get(0) + " is not a known unit";
        }
        Job placedPeer = null;
        for (Job peer : job.peers) {
            if (peer.desired == DesiredState.INACTIVE) {
                return "waiting for MachineOf peer " + peer.name + " to be scheduled (it is inactive)";
            }
            if (peer.constraints.global()) {
                continue;
            }
            if (peer.node == null) {
                return "waiting for MachineOf peer " + peer.name + " to be scheduled";
            }
            if (placedPeer == null) {
                placedPeer = peer;
            } else if (placedPeer.node != peer.node) {
                return "MachineOf peers " + placedPeer.name + " and " + peer.name + " are on different machines";
            }
        }
        return null;
    }

    /** The least loaded scan found nothing: say why, in terms of the units in the way. Rare, so O(machines). */
    private String diagnose(Job job) {
        int candidates = 0;
        int noMetadata = 0;
        int noPeer = 0;
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (Node node : nodes.values()) {
            Optional<Veto> veto = Filter.first(Filter.TO_PLACE, job, node);
            if (veto.isEmpty()) {
                continue; // cannot happen after a failed scan; counted as nothing in the way
            }
            Veto v = veto.get();
            if (v instanceof Veto.MetadataMismatch) {
                noMetadata++;
                continue;
            }
            if (v instanceof Veto.PeerAbsent) {
                noPeer++;
                continue;
            }
            candidates++;
            if (v instanceof Veto.ConflictsWith c) {
                tallies.computeIfAbsent("conflict", k -> new Tally("conflicts with ", "")).add(c.unit());
            } else if (v instanceof Veto.ReplacedBy r) {
                tallies.computeIfAbsent("replaced", k -> new Tally("replaced by ", "")).add(r.unit());
            } else if (v instanceof Veto.WouldReplacePlaced w) {
                tallies.computeIfAbsent("victim", k -> new Tally("would replace ", ", placed in this pass,")).add(w.unit());
            } else {
                tallies.computeIfAbsent("other", k -> new Tally("", "")).add(v.clause());
            }
        }
        if (candidates == 0) {
            String metadata = "MachineMetadata" + Veto.MetadataMismatch.describe(job.constraints.metadata());
            if (noPeer == 0) {
                return "no machine matches " + metadata;
            }
            String peers = globalPeerNames(job);
            return noMetadata == 0
                    ? "no machine runs its global MachineOf peer " + peers
                    : "no machine both matches " + metadata + " and runs its global MachineOf peer " + peers;
        }
        if (tallies.size() == 1) {
            return tallies.values().iterator().next().text() + " on every candidate machine";
        }
        StringJoiner parts = new StringJoiner("; ", "no candidate machine fits: ", "");
        tallies.values().forEach(t -> parts.add(t.text() + " on " + t.machines + (t.machines == 1 ? " machine" : " machines")));
        return parts.toString();
    }

    private static String globalPeerNames(Job job) {
        StringJoiner names = new StringJoiner(", ");
        job.peers.stream().filter(p -> p.constraints.global()).forEach(p -> names.add(p.name));
        return names.toString();
    }

    /** Units in the way of one kind, over the machines they block. */
    private static final class Tally {
        final String prefix;
        final String suffix;
        final TreeSet<String> names = new TreeSet<>();
        int machines;

        Tally(String prefix, String suffix) {
            this.prefix = prefix;
            this.suffix = suffix;
        }

        void add(String name) {
            names.add(name);
            machines++;
        }

        String text() {
            StringJoiner shown = new StringJoiner(", ");
            names.stream().limit(NAMES_SHOWN).forEach(shown::add);
            String more = names.size() > NAMES_SHOWN ? " and " + (names.size() - NAMES_SHOWN) + " more" : "";
            return prefix + shown + more + suffix;
        }
    }

    // ---- later passes that only add units -----------------------------------------------------------

    /**
     * The decisions of the last {@link #run()} or {@link #add} were carried out: every unit is now
     * assigned where this pass put it, and a later {@link #add} starts from there.
     */
    void commit(Iterable<Job> decided) {
        for (Job job : decided) {
            job.assignedTo = job.node == null ? null : job.node.id;
            job.pinned = false;
            job.leftBecause = null;
        }
    }

    /** Every unit of the pass, for {@link #commit} after {@link #run()}. */
    Iterable<Job> allJobs() {
        return jobs.values();
    }

    Job job(String name) {
        return jobs.get(name);
    }

    /**
     * Adds units that have no machine yet (new, or that wanted none so far) to a committed pass and
     * places them, together with every unit left waiting, exactly as a pass from scratch over the
     * grown cluster would: the units already placed stay where they are (nothing added can make one of
     * them leave: an added unit has no Replaces= and is not global), and the queue holds the same units
     * in the same order. Returns null when the change is outside that case, and leaves the pass
     * unusable then (the caller runs a pass from scratch).
     *
     * @param decided receives the units whose decisions the result holds, for {@link #commit}
     */
    Decisions add(List<UnitView> units, List<Job> decided) {
        List<Job> fresh = new ArrayList<>(units.size());
        for (UnitView u : units) {
            Job old = jobs.get(u.name());
            if (old != null && (old.node != null || old.wantsMachine() || old.isActiveGlobal() || !old.peers.isEmpty())) {
                return null;
            }
            Job job = new Job(u, null);
            if (job.constraints.global() || job.hasReplaces()) {
                return null;
            }
            jobs.put(job.name, job);
            fresh.add(job);
        }
        // Units that wait get another try; their MachineOf peers may be among the new ones.
        List<Job> retry = new ArrayList<>();
        for (String name : waiting.keySet()) {
            Job job = jobs.get(name);
            if (job == null || !job.contender || job.hasReplaces()) {
                return null;
            }
            retry.add(job);
        }
        // Followers that named a replaced (formerly inactive or unknown) unit point at its new job.
        for (Job job : retry) {
            for (Job peer : job.peers) {
                peer.followers.remove(job);
            }
            job.peers = List.of();
            job.unknownPeers = List.of();
            job.depth = 0;
        }
        List<Job> candidates = new ArrayList<>(retry);
        for (Job job : fresh) {
            if (job.wantsMachine()) {
                candidates.add(job);
            }
        }
        for (Job job : candidates) {
            Set<String> seen = new HashSet<>();
            for (String name : job.constraints.machineOf()) {
                if (seen.add(name)) {
                    Job peer = jobs.get(name);
                    if (peer == null) {
                        job.addUnknownPeer(name);
                    } else {
                        job.addPeer(peer);
                    }
                }
            }
        }
        if (!depthsWithin(candidates)) {
            return null;
        }
        for (Job job : candidates) {
            if (!job.contender) { // a new one
                job.contender = true;
                if (job.constraints.machineId().isPresent()) {
                    resolveMachineId(job, job.constraints.machineId().get());
                }
                MetadataRule rule = job.constraints.metadata();
                if (rule instanceof MetadataMatch && rule != MetadataRule.ANY) {
                    index.indexRule(rule); // only quicker to search: the machine found is the same
                }
                noteConflictingGlobals(job);
            }
            waiting.remove(job.name);
            enqueue(job);
        }
        placeTheRest();
        candidates.sort(Comparator.comparing(j -> j.name));
        List<Decision> assigns = new ArrayList<>();
        for (Job job : candidates) {
            if (job.node != null) {
                assigns.add(new Decision.Assign(job.name, job.node.id));
            }
        }
        decided.addAll(candidates);
        return new Decisions(assigns, waiting);
    }

    /**
     * MachineOf depths of the candidates as {@link #orderByPeers()} gives them, the depths of every
     * other unit being settled. False if some sit on or below a cycle (a pass from scratch handles those).
     */
    private static boolean depthsWithin(List<Job> candidates) {
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
    private static void deepen(ArrayDeque<Job> ready, Map<Job, Integer> pending, java.util.function.Predicate<Job> within) {
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

    // ---- result -----------------------------------------------------------------------------------

    private Decisions decisions() {
        List<Decision.Unassign> unassigns = new ArrayList<>();
        List<Decision.Assign> assigns = new ArrayList<>();
        snapshot.assignments().forEach((unit, machine) -> {
            if (!jobs.containsKey(unit)) {
                unassigns.add(new Decision.Unassign(unit, machine, Decision.Reason.UNIT_REMOVED));
            }
        });
        for (Job job : byName) {
            if (!job.wantsMachine()) {
                if (job.assignedTo != null) {
                    Decision.Reason why = job.constraints.global() ? Decision.Reason.GLOBAL : Decision.Reason.INACTIVE;
                    unassigns.add(new Decision.Unassign(job.name, job.assignedTo, why));
                }
                continue;
            }
            String to = job.node == null ? null : job.node.id;
            if (to != null) {
                waiting.remove(job.name);
            } else {
                waiting.putIfAbsent(job.name, "not placed"); // every path above gives a reason; never seen
            }
            if (Objects.equals(job.assignedTo, to)) {
                continue;
            }
            if (job.assignedTo != null) {
                Decision.Reason why = job.leftBecause != null ? job.leftBecause : Decision.Reason.CONSTRAINTS_UNMET;
                unassigns.add(new Decision.Unassign(job.name, job.assignedTo, why));
            }
            if (to != null) {
                assigns.add(new Decision.Assign(job.name, to));
            }
        }
        unassigns.sort(Comparator.comparing(Decision.Unassign::unit)); // removed units came in map order
        List<Decision> all = new ArrayList<>(unassigns.size() + assigns.size());
        all.addAll(unassigns);
        all.addAll(assigns);
        return new Decisions(all, waiting);
    }
}
