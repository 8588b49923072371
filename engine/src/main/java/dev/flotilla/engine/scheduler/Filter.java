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
            new AvoidFilter(), new FitFilter());

    /**
     * What a machine must satisfy to receive a unit. Beyond staying: conflicting global units repel
     * newcomers only (a unit already there stays and the global yields, as in fleet), and a unit may
     * not push off one placed earlier in this pass.
     */
    List<Filter> TO_PLACE = List.of(
            new MachineIdFilter(), new MetadataFilter(), new PeerFilter(), new ReplacedFilter(), new ConflictFilter(),
            new GlobalConflictFilter(), new PlacedVictimFilter(), new AvoidFilter(), new FitFilter());

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

    /**
     * Room: in each dimension the machine knows, what is free covers what the unit needs (with the
     * followers it carries, {@link Job#carried}); what the units it replaces there reserve counts as
     * free. A machine overfilled by global units has less than nothing free: it takes no unit at all.
     * An unknown dimension (capacity 0) has room for anything.
     */
    final class FitFilter implements Filter {
        public Optional<Veto> veto(Job job, Node node) {
            long memoryCapacity = node.capacity.memoryBytes();
            long cpuCapacity = node.capacity.cpuMillis();
            if (memoryCapacity == 0 && cpuCapacity == 0) {
                return Optional.empty();
            }
            long freedCpu = 0;
            long freedMemory = 0;
            if (job.hasReplaces()) {
                for (Job other : node.residents) {
                    if (job.replaces(other)) {
                        freedCpu += other.demand.cpuMillis();
                        freedMemory += other.demand.memoryOn(memoryCapacity);
                    }
                }
            }
            if (memoryCapacity > 0) {
                long need = job.memoryNeed(memoryCapacity);
                long free = memoryCapacity - node.memoryUsed + freedMemory;
                if (need > free) {
                    String amount = Amounts.bytes(need, java.math.RoundingMode.UP);
                    if (job.demand.memoryBasisPoints() > 0 && job.carried.isEmpty()) {
                        amount = Amounts.percent(job.demand.memoryBasisPoints()) + " of memory (" + amount + " there)";
                    } else {
                        amount += " memory";
                    }
                    return Optional.of(new Veto.NoRoom(true, amount + carriedText(job), free));
                }
            }
            if (cpuCapacity > 0) {
                long need = job.cpuNeed();
                long free = cpuCapacity - node.cpuUsed + freedCpu;
                if (need > free) {
                    return Optional.of(new Veto.NoRoom(false, Amounts.cpus(need) + carriedText(job), free));
                }
            }
            return Optional.empty();
        }

        private static String carriedText(Job job) {
            if (job.carried.isEmpty()) {
                return "";
            }
            String which = job.carried.size() == 1 ? " with its MachineOf follower " : " with its MachineOf followers ";
            java.util.StringJoiner names = new java.util.StringJoiner(", ", which, "");
            job.carried.stream().map(j -> j.name).sorted().forEach(names::add);
            return names.toString();
        }
    }
}
