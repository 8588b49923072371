package dev.flotilla.engine.scheduler;

import dev.flotilla.unitfile.Demand;

import java.util.ArrayList;
import java.util.List;

/** A unit during one pass: its constraints, resolved links, and where it is so far. */
final class Job {

    final String name;
    final WantedState desired;
    final Constraints constraints;
    final Demand demand;
    /**
     * Machine id it had when the pass began (possibly a machine that is gone), or null. Changes only
     * when a pass's decisions were carried out ({@link Pass#commit}).
     */
    String assignedTo;

    /** MachineOf peers that exist (any kind), and the names that match no unit. Most units have none. */
    List<Job> peers = List.of();
    List<String> unknownPeers = List.of();
    /** Units that name this one in MachineOf: they move when it moves. */
    List<Job> followers = List.of();
    /** Active global units it conflicts with: it must not be placed where they run. */
    List<Job> conflictingGlobals = List.of();

    /** Longest MachineOf chain above it, so peers are handled before followers; CYCLE if on a cycle. */
    int depth;
    static final int CYCLE = -1;

    /** The machine MachineID resolves to, or null with {@link #targetProblem} saying why. */
    Node target;
    String targetProblem;

    /** The winner of a mutual Replaces this unit lost, or null. */
    String excludedBy;

    /** Takes part in keeping and placing: not on a MachineOf cycle, not a mutual-Replaces loser. */
    boolean contender;

    /** Where it is now; null while unplaced. */
    Node node;
    /** Placed (not merely kept) in this pass: it will not be pushed away again, which bounds the pass. */
    boolean pinned;
    boolean queued;
    /** Why it first left the machine it had; reported in its Unassign. */
    Decision.Reason leftBecause;
    /**
     * While its machine is chosen: the MachineOf followers that have none yet and will go where it
     * goes, so the machine must have room for them too (see {@link Placement}). Otherwise empty.
     */
    List<Job> carried = List.of();

    Job(UnitView view, String assignedTo) {
        this.name = view.name();
        this.desired = view.desired();
        this.constraints = view.constraints();
        // Only a launched unit uses what it demands: a stopped (loaded) one keeps its machine, as in
        // fleet, but leaves the room to others, and must fit again when it is started.
        this.demand = view.desired() == WantedState.LAUNCHED ? view.demand() : Demand.NONE;
        this.assignedTo = assignedTo;
    }

    /** CPU this unit reserves, with the followers it carries. */
    long cpuNeed() {
        long n = demand.cpuMillis();
        for (int i = 0, k = carried.size(); i < k; i++) {
            n += carried.get(i).demand.cpuMillis();
        }
        return n;
    }

    /** Memory this unit reserves on a machine of that capacity, with the followers it carries. */
    long memoryNeed(long capacityBytes) {
        long n = demand.memoryOn(capacityBytes);
        for (int i = 0, k = carried.size(); i < k; i++) {
            n += carried.get(i).demand.memoryOn(capacityBytes);
        }
        return n;
    }

    void addPeer(Job peer) {
        if (peers.isEmpty()) {
            peers = new ArrayList<>(2);
        }
        peers.add(peer);
        if (peer.followers.isEmpty()) {
            peer.followers = new ArrayList<>(2);
        }
        peer.followers.add(this);
    }

    void addUnknownPeer(String name) {
        if (unknownPeers.isEmpty()) {
            unknownPeers = new ArrayList<>(1);
        }
        unknownPeers.add(name);
    }

    boolean wantsMachine() {
        return !constraints.global() && desired != WantedState.INACTIVE;
    }

    /** A global unit that its agents run (it counts towards load and conflicts). */
    boolean isActiveGlobal() {
        return constraints.global() && desired != WantedState.INACTIVE;
    }

    boolean runsOn(Node node) {
        return constraints.metadata().matches(node.metadata);
    }

    boolean hasConflicts() {
        return !constraints.conflicts().isEmpty();
    }

    boolean hasReplaces() {
        return !constraints.replaces().isEmpty();
    }

    /** Symmetric, as in fleet: either side's pattern matching the other's name. */
    boolean conflictsWith(Job other) {
        return Constraints.anyMatches(constraints.conflicts(), other.name)
                || Constraints.anyMatches(other.constraints.conflicts(), name);
    }

    /** Directional: this unit's Replaces= matches the other's name. */
    boolean replaces(Job other) {
        return other != this && Constraints.anyMatches(constraints.replaces(), other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
