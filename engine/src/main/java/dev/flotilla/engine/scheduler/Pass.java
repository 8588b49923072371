package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One scheduling pass over one snapshot: mutable working state, used once, then dropped (or, for
 * {@link IncrementalScheduler}, kept and changed by {@link #add} and {@link #update}).
 *
 * <ol>
 *   <li>Prepare: global units weigh on their machines; MachineOf links and depths
 *       ({@link PeerGraph}); MachineID resolved ({@link MachineIds}); shared MachineMetadata rules
 *       indexed ({@link Ranking}); conflicting globals noted; mutual Replaces settled
 *       ({@link MutualReplaces}).</li>
 *   <li>Keep, then place ({@link Placement}).</li>
 *   <li>Diff: where each unit ends up against where it was, as Unassign/Assign decisions.</li>
 * </ol>
 */
final class Pass {

    private final ClusterSnapshot snapshot;
    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private final Map<String, Job> jobs;
    /** Every job, by name: the order of every walk whose order shows in the result. */
    private final List<Job> byName;
    private final List<Job> globals = new ArrayList<>();
    private final Ranking index;
    private final PatternIndex patterns = new PatternIndex();
    private final Placement placement;
    /** Some unit that wants a machine has Replaces=: machines leaving take a pass from scratch. */
    private boolean anyReplaces;

    Pass(ClusterSnapshot snapshot) {
        this(snapshot, new LoadIndex());
    }

    /** A pass that ranks machines another way (tests: a plain scan to hold the index against). */
    Pass(ClusterSnapshot snapshot, Ranking ranking) {
        this.snapshot = snapshot;
        this.index = ranking;
        this.placement = new Placement(nodes, ranking);
        for (MachineView m : snapshot.machines()) {
            nodes.put(m.id(), new Node(m, patterns));
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
            anyReplaces |= job.wantsMachine() && job.hasReplaces();
        }
    }

    Decisions run() {
        weighGlobals();
        PeerGraph.link(byName, jobs);
        PeerGraph.order(byName);
        for (Job job : byName) {
            if (job.wantsMachine() && job.constraints.machineId().isPresent()) {
                MachineIds.resolve(job, job.constraints.machineId().get(), nodes);
            }
        }
        index.indexSharedRules(byName);
        findConflictingGlobals();
        MutualReplaces.settle(byName, nodes);
        placement.keepWhatStillFits(byName);
        placement.placeTheRest();
        return decisions();
    }

    /** Conflicts= pattern tests made against machines' residents so far: the work a test can bound. */
    long patternTests() {
        return patterns.tests();
    }

    /**
     * Global units are never assigned, but each one is a unit on every machine it runs on, and
     * reserves its demand there before anything else is placed.
     */
    private void weighGlobals() {
        for (Node node : nodes.values()) {
            for (Job global : globals) {
                if (global.runsOn(node)) {
                    node.reserve(global);
                }
            }
            index.add(node);
        }
    }

    private void findConflictingGlobals() {
        if (globals.isEmpty()) {
            return;
        }
        for (Job job : byName) {
            if (job.wantsMachine()) {
                noteConflictingGlobals(job);
            }
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

    /** Whether any of these machines holds a unit in this pass. */
    boolean holdsUnitsOn(Collection<String> machineIds) {
        for (String id : machineIds) {
            Node node = nodes.get(id);
            if (node != null && !node.residents.isEmpty()) {
                return true;
            }
        }
        return false;
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
        return update(List.of(), units, decided);
    }

    /**
     * As {@link #add}, with machines that left the cluster too: their units are placed again
     * ({@code MACHINE_GONE}) beside the added and the waiting ones, in one queue, as a pass from
     * scratch over the changed cluster would. That pass keeps every other unit where it is: a unit
     * stays if it still fits its machine beside the units kept before it, and a machine that left held
     * none of them, nor their MachineOf peers (a peer is on its follower's machine, or global: it runs
     * wherever its metadata matches). What does depend on the machines is redone: MachineID resolved
     * again (a prefix may now name one machine, or none), the machine's global reservations and its
     * place in the ranking go with it, and every waiting unit gets another try (its wait reason may
     * have named it). Replaces= is left to a pass from scratch: which of two units that replace each
     * other wins depends on which has a live machine, and a replacer placed anew pushes units off.
     *
     * @param gone machine ids that left; ids the pass does not know are ignored
     */
    Decisions update(Collection<String> gone, List<UnitView> units, List<Job> decided) {
        List<Node> leaving = new ArrayList<>();
        List<Job> displaced = new ArrayList<>();
        for (String id : gone) {
            Node node = nodes.get(id);
            if (node == null) {
                continue;
            }
            if (anyReplaces && !node.residents.isEmpty()) {
                return null;
            }
            leaving.add(node);
            displaced.addAll(node.residents);
        }
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
        for (String name : placement.waiting.keySet()) {
            Job job = jobs.get(name);
            if (job == null || !job.contender || job.hasReplaces()) {
                return null;
            }
            retry.add(job);
        }
        if (!leaving.isEmpty()) {
            leave(leaving, displaced);
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
            PeerGraph.link(job, jobs);
        }
        if (!PeerGraph.depthsWithin(candidates)) {
            return null;
        }
        for (Job job : candidates) {
            if (!job.contender) { // a new one
                job.contender = true;
                if (job.constraints.machineId().isPresent()) {
                    MachineIds.resolve(job, job.constraints.machineId().get(), nodes);
                }
                MetadataRule rule = job.constraints.metadata();
                if (rule instanceof MetadataMatch && rule != MetadataRule.ANY) {
                    index.indexRule(rule); // only quicker to search: the machine found is the same
                }
                noteConflictingGlobals(job);
            }
            placement.waiting.remove(job.name);
            placement.enqueue(job);
        }
        for (Job job : displaced) {
            placement.enqueue(job);
        }
        placement.placeTheRest();
        candidates.addAll(displaced);
        candidates.sort(Comparator.comparing(j -> j.name));
        List<Decision> unassigns = new ArrayList<>();
        List<Decision> assigns = new ArrayList<>();
        for (Job job : candidates) {
            String to = job.node == null ? null : job.node.id;
            if (Objects.equals(job.assignedTo, to)) {
                continue;
            }
            if (job.assignedTo != null) {
                unassigns.add(new Decision.Unassign(job.name, job.assignedTo,
                        job.leftBecause != null ? job.leftBecause : Decision.Reason.CONSTRAINTS_UNMET));
            }
            if (to != null) {
                assigns.add(new Decision.Assign(job.name, to));
            }
        }
        decided.addAll(candidates);
        unassigns.addAll(assigns);
        return new Decisions(unassigns, placement.waiting, loads());
    }

    /** Drops machines that left and takes their units off them (they are queued by the caller). */
    private void leave(List<Node> leaving, List<Job> displaced) {
        for (Node node : leaving) {
            nodes.remove(node.id);
            index.remove(node);
        }
        for (Job job : displaced) {
            job.node = null;
            job.pinned = false;
            job.leftBecause = Decision.Reason.MACHINE_GONE;
        }
        ordered = null;
        for (Job job : jobs.values()) {
            if (job.wantsMachine() && job.constraints.machineId().isPresent()) {
                job.target = null;
                job.targetProblem = null;
                MachineIds.resolve(job, job.constraints.machineId().get(), nodes);
            }
        }
    }

    /** What each live machine holds now (ids and capacities are shared until a machine leaves). */
    private MachineLoads loads() {
        int n = nodes.size();
        if (ordered == null) {
            ordered = nodes.values().toArray(new Node[0]);
            ids = new String[n];
            capacities = new Capacity[n];
            for (int i = 0; i < n; i++) {
                ids[i] = ordered[i].id;
                capacities[i] = ordered[i].capacity;
            }
        }
        int[] units = new int[n];
        long[] cpu = new long[n];
        long[] memory = new long[n];
        for (int i = 0; i < n; i++) {
            Node node = ordered[i];
            units[i] = node.load;
            cpu[i] = node.cpuUsed;
            memory[i] = node.memoryUsed;
        }
        return new MachineLoads(ids, capacities, units, cpu, memory);
    }

    private Node[] ordered;
    private String[] ids;
    private Capacity[] capacities;

    // ---- result -----------------------------------------------------------------------------------

    private Decisions decisions() {
        TreeMap<String, String> waiting = placement.waiting;
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
        return new Decisions(all, waiting, loads());
    }
}
