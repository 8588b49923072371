package dev.flotilla.engine.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeSet;

/** Why a unit waits, in words: its MachineOf peers, or the units in its way on every machine. */
final class WaitReasons {

    private static final int NAMES_SHOWN = 3;

    private WaitReasons() {
    }

    /** Why MachineOf cannot be met on any machine yet, or null if the peers allow a choice. */
    static String peerProblem(Job job) {
        if (!job.unknownPeers.isEmpty()) {
            return "MachineOf peer " + job.unknownPeers.get(0) + " is not a known unit";
        }
        Job placedPeer = null;
        for (Job peer : job.peers) {
            if (peer.desired == WantedState.INACTIVE) {
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

    /**
     * The least loaded scan found nothing: say why, in terms of the units in the way. One filter run per
     * machine, each O(1) in the machine's residents (see {@link PatternIndex}).
     */
    static String diagnose(Job job, Iterable<Node> nodes) {
        int candidates = 0;
        int noMetadata = 0;
        int noPeer = 0;
        Map<String, Tally> tallies = new LinkedHashMap<>();
        Room memory = null;
        Room cpu = null;
        for (Node node : nodes) {
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
            if (v instanceof Veto.NoRoom room) {
                if (room.memory()) {
                    memory = Room.more(memory, room, node);
                } else {
                    cpu = Room.more(cpu, room, node);
                }
            } else if (v instanceof Veto.ConflictsWith c) {
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
        int kinds = tallies.size() + (memory == null ? 0 : 1) + (cpu == null ? 0 : 1);
        if (kinds == 1) {
            if (memory != null || cpu != null) {
                return (memory != null ? memory : cpu).alone();
            }
            return tallies.values().iterator().next().text() + " on every candidate machine";
        }
        StringJoiner parts = new StringJoiner("; ", "no candidate machine fits: ", "");
        tallies.values().forEach(t -> parts.add(t.text() + " on " + machines(t.machines)));
        for (Room room : new Room[] {memory, cpu}) {
            if (room != null) {
                parts.add(room.among());
            }
        }
        return parts.toString();
    }

    private static String machines(int n) {
        return n + (n == 1 ? " machine" : " machines");
    }

    /**
     * Machines short of room in one dimension: the one with the most free (the first by id among
     * equals), and how many.
     */
    private record Room(Veto.NoRoom most, String on, int machines) {
        static Room more(Room so, Veto.NoRoom veto, Node node) {
            if (so == null) {
                return new Room(veto, node.id, 1);
            }
            return veto.free() > so.most.free()
                    ? new Room(veto, node.id, so.machines + 1)
                    : new Room(so.most, so.on, so.machines + 1);
        }

        /** {@code needs 4 GiB memory; the most free is 2.5 GiB (on 1b2c3d4e...)} */
        String alone() {
            return "needs " + most.need() + "; the most free is " + most.freeText() + " (on " + Amounts.shortId(on) + ")";
        }

        String among() {
            return "needs " + most.need() + " (the most free is " + most.freeText() + ", on " + Amounts.shortId(on)
                    + ") on " + WaitReasons.machines(machines);
        }
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
}
