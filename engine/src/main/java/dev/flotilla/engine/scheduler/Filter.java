package dev.flotilla.engine.scheduler;

import java.util.List;
import java.util.Optional;

/**
 * One placement constraint as a pure check of one unit against one machine in its current state.
 * Each filter looks only at what it owns; the pass runs them in a fixed order and takes the first veto.
 */
sealed interface Filter {

    Optional<Veto> veto(Job job, Node node);

    /** What a unit already on a machine must still satisfy to stay there. */
    List<Filter> TO_STAY = List.of(
            new MachineIdFilter(), new MetadataFilter(), new PeerFilter(), new ReplacedFilter(), new ConflictFilter(),
            new AvoidFilter());

    /**
     * What a machine must satisfy to receive a unit. Beyond staying: conflicting global units repel
     * newcomers only (a unit already there stays and the global yields, as in fleet), and a unit may
     * not push off one placed earlier in this pass.
     */
    List<Filter> TO_PLACE = List.of(
            new MachineIdFilter(), new MetadataFilter(), new PeerFilter(), new ReplacedFilter(), new ConflictFilter(),
            new GlobalConflictFilter(), new PlacedVictimFilter(), new AvoidFilter());

    static Optional<Veto> first(List<Filter> filters, Job job, Node node) {
        for (int i = 0, n = filters.size(); i < n; i++) {
            Optional<Veto> veto = filters.get(i).veto(job, node);
            if (veto.isPresent()) {
                return veto;
            }
        }
        return Optional.empty();
    }

    /**
     * MachineID=: the machine with that id, or whose id starts with it (8 characters or more). New
     * placements go only to the one machine it resolves to (an ambiguous prefix places nothing); a unit
     * already on a matching machine stays there even if a newcomer makes its prefix ambiguous.
     */
    final class MachineIdFilter implements Filter {
        public Optional<Veto> veto(Job job, Node node) {
            if (job.constraints.machineId().isEmpty()) {
                return Optional.empty();
            }
            String wanted = job.constraints.machineId().get();
            if (node.id.equals(wanted) || (wanted.length() >= MachineIds.MIN_ID_PREFIX && node.id.startsWith(wanted))) {
                return Optional.empty();
            }
            return Optional.of(new Veto.NotMachineId(wanted));
        }
    }

    /** MachineMetadata=. */
    final class MetadataFilter implements Filter {
        public Optional<Veto> veto(Job job, Node node) {
            MetadataRule rule = job.constraints.metadata();
            if (rule == MetadataRule.ANY || rule.matches(node.metadata)) {
                return Optional.empty();
            }
            return Optional.of(new Veto.MetadataMismatch(rule));
        }
    }

    /** MachineOf=: every peer on this machine (a global peer: running here). */
    final class PeerFilter implements Filter {
        public Optional<Veto> veto(Job job, Node node) {
            if (!job.unknownPeers.isEmpty()) {
                return Optional.of(new Veto.PeerAbsent(job.unknownPeers.get(0)));
            }
            for (Job peer : job.peers) {
                boolean here = peer.constraints.global() ? peer.isActiveGlobal() && peer.runsOn(node) : peer.node == node;
                if (!here) {
                    return Optional.of(new Veto.PeerAbsent(peer.name));
                }
            }
            return Optional.empty();
        }
    }

    /** Another unit's Replaces= matches this one: it may not share that unit's machine. */
    final class ReplacedFilter implements Filter {
        public Optional<Veto> veto(Job job, Node node) {
            for (Job other : node.replacers) {
                if (other.replaces(job)) {
                    return Optional.of(new Veto.ReplacedBy(other.name));
                }
            }
            return Optional.empty();
        }
    }

    /** Conflicts= among non-global units, either direction. */
    final class ConflictFilter implements Filter {
        public Optional<Veto> veto(Job job, Node node) {
            if (job.hasConflicts()) {
                Job other = node.patterns.firstMatching(node, job.constraints.conflicts(), job);
                if (other != null) {
                    return Optional.of(new Veto.ConflictsWith(other.name));
                }
            }
            for (Job other : node.conflicters) {
                if (other != job && node.patterns.anyMatches(other.constraints.conflicts(), job.name)) {
                    return Optional.of(new Veto.ConflictsWith(other.name));
                }
            }
            return Optional.empty();
        }
    }

    /** Conflicts= with a global unit that runs on this machine. */
    final class GlobalConflictFilter implements Filter {
        public Optional<Veto> veto(Job job, Node node) {
            for (Job global : job.conflictingGlobals) {
                if (global.runsOn(node)) {
                    return Optional.of(new Veto.ConflictsWith(global.name));
                }
            }
            return Optional.empty();
        }
    }

    /** Replaces= may push off units that were only kept, never one placed in this pass. */
    final class PlacedVictimFilter implements Filter {
        public Optional<Veto> veto(Job job, Node node) {
            if (job.hasReplaces()) {
                for (Job other : node.residents) {
                    if (other.pinned && job.replaces(other)) {
                        return Optional.of(new Veto.WouldReplacePlaced(other.name));
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** The engine keeps the unit off these machines (RescheduleOnFailure=: it failed there). */
    final class AvoidFilter implements Filter {
        public Optional<Veto> veto(Job job, Node node) {
            return job.constraints.avoid().contains(node.id) ? Optional.of(new Veto.FailedThere()) : Optional.empty();
        }
    }
}
