package dev.flotilla.agent;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the machine's {@link DesiredSet} from its assignments and the global units. Pure.
 *
 * <ul>
 * <li>An assignment counts only with the text the engine assigned (same hash); otherwise the unit is
 *     held as it is until the engine rewrites the assignment.</li>
 * <li>A global unit counts if it is not desired inactive and its MachineMetadata matches this machine.</li>
 * <li>Conflicts, locally: never two units running here where one's Conflicts pattern matches the
 *     other's name. Among the units that run or are to be launched, in this order: the ones already
 *     running, then assigned before global, then by name; each is kept unless it conflicts with one kept
 *     before it, and then it is installed but BLOCKED (and stopped if it runs).</li>
 * <li>A template is never started itself (ACTIVATED), nor a service that a launched socket of this
 *     machine activates: systemd starts it on the first connection.</li>
 * </ul>
 */
final class DesiredSets {
    private DesiredSets() {
    }

    /** A global unit with the user's desired state. */
    record Global(UnitRecord unit, DesiredState desired) {
    }

    /**
     * @param assigned texts read for the assignments, by unit name (absent or another hash: not readable yet)
     * @param running  units that are up now (they win conflicts)
     */
    static DesiredSet build(Collection<Assignment> assignments, Map<String, UnitRecord> assigned, Collection<Global> globals,
                            Map<String, String> metadata, Set<String> running) {
        Map<String, Candidate> candidates = new HashMap<>();
        Set<String> held = new HashSet<>();
        java.util.SortedMap<String, String> notes = new TreeMap<>();
        for (Assignment a : assignments) {
            UnitRecord unit = assigned.get(a.unit());
            if (unit == null || !unit.hash().equals(a.hash())) {
                held.add(a.unit());
                notes.put(a.unit(), "held as it is: waiting for the engine to assign the unit's current text");
                continue;
            }
            UnitFacts facts = UnitFacts.of(unit);
            if (facts.problem().isPresent()) {
                held.add(a.unit());
                notes.put(a.unit(), "not installed: its text cannot be read: " + facts.problem().get());
                continue;
            }
            candidates.put(a.unit(), new Candidate(unit, facts, a.desired() == DesiredState.LAUNCHED ? Goal.LAUNCHED : Goal.LOADED, true));
        }
        for (Global g : globals) {
            if (g.desired() == DesiredState.INACTIVE || candidates.containsKey(g.unit().name())) {
                continue;
            }
            UnitFacts facts = UnitFacts.of(g.unit());
            if (facts.problem().isPresent()) {
                notes.put(facts.name(), "global unit not installed: its text cannot be read: " + facts.problem().get());
                continue;
            }
            if (!facts.fleet().metadata().matches(metadata)) {
                continue;
            }
            candidates.put(facts.name(), new Candidate(g.unit(), facts, g.desired() == DesiredState.LAUNCHED ? Goal.LAUNCHED : Goal.LOADED, false));
        }
        for (Candidate c : candidates.values()) {
            if (c.facts.template()) {
                c.goal = Goal.ACTIVATED;
            }
        }
        resolveConflicts(candidates, running, notes);
        markSocketActivated(candidates, notes);

        Map<String, DesiredUnit> units = new HashMap<>();
        for (Candidate c : candidates.values()) {
            UnitFacts f = c.facts;
            boolean enable = f.hasInstall() && !f.template() && c.goal != Goal.BLOCKED;
            units.put(f.name(), new DesiredUnit(f.name(), c.unit.text(), f.hash(), c.goal, enable));
        }
        return new DesiredSet(units, held, notes);
    }

    private static void resolveConflicts(Map<String, Candidate> candidates, Set<String> running, Map<String, String> notes) {
        List<Candidate> contenders = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            if (c.goal == Goal.LAUNCHED || c.goal != Goal.ACTIVATED && running.contains(c.facts.name())) {
                contenders.add(c);
            }
        }
        contenders.sort(Comparator.<Candidate, Boolean>comparing(c -> !running.contains(c.facts.name()))
                .thenComparing(c -> !c.assigned)
                .thenComparing(c -> c.facts.name()));
        // Only a unit with Conflicts patterns can be on either side of a conflict: check against those, so
        // that hundreds of units without patterns cost next to nothing.
        List<Candidate> kept = new ArrayList<>();
        List<Candidate> keptWithPatterns = new ArrayList<>();
        for (Candidate c : contenders) {
            boolean hasPatterns = !c.facts.fleet().conflictGlobs().isEmpty();
            Optional<Candidate> rival = (hasPatterns ? kept : keptWithPatterns).stream().filter(k -> conflict(k, c)).findFirst();
            if (rival.isEmpty()) {
                kept.add(c);
                if (hasPatterns) {
                    keptWithPatterns.add(c);
                }
                continue;
            }
            String other = rival.get().facts.name();
            c.goal = Goal.BLOCKED;
            notes.put(c.facts.name(), "not started: it conflicts with " + other
                    + (running.contains(other) ? ", which already runs here" : ", which runs here instead"));
        }
    }

    private static boolean conflict(Candidate a, Candidate b) {
        String x = a.facts.name();
        String y = b.facts.name();
        return !x.equals(y) && (a.facts.fleet().conflictsWith(y) || b.facts.fleet().conflictsWith(x));
    }

    private static void markSocketActivated(Map<String, Candidate> candidates, Map<String, String> notes) {
        for (Candidate socket : candidates.values()) {
            if (socket.goal != Goal.LAUNCHED || socket.facts.activates().isEmpty()) {
                continue;
            }
            Candidate service = candidates.get(socket.facts.activates().get());
            if (service != null && service.goal == Goal.LAUNCHED) {
                service.goal = Goal.ACTIVATED;
                notes.put(service.facts.name(), "started by systemd through " + socket.facts.name());
            }
        }
    }

    private static final class Candidate {
        final UnitRecord unit;
        final UnitFacts facts;
        final boolean assigned;
        Goal goal;

        Candidate(UnitRecord unit, UnitFacts facts, Goal goal, boolean assigned) {
            this.unit = unit;
            this.facts = facts;
            this.goal = goal;
            this.assigned = assigned;
        }
    }
}
