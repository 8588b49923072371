package dev.flotilla.api.server;

import dev.flotilla.api.PlanEntry;
import dev.flotilla.api.PlanEntry.Verdict;
import dev.flotilla.api.PlanReport;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A plan's verdicts, pure: the pass over the cluster as it is (the baseline: where the engine is
 * headed anyway) against the pass with the given units. A given unit is judged against where it is
 * recorded now; any other unit appears only if the given ones change its outcome, judged against
 * the baseline, so a cluster the engine has not settled yet does not show as the plan's doing.
 */
final class PlanVerdicts {
    private PlanVerdicts() {
    }

    /**
     * @param given     the units of the plan, as planned, in the order given
     * @param recorded  unit to the machine it is assigned to now
     * @param ipOf      a machine's address ("" if unknown)
     */
    static PlanReport report(List<UnitRecord> given, Map<String, String> recorded, SchedulingPass.Outcome baseline,
                             SchedulingPass.Outcome proposed, Function<String, String> ipOf) {
        List<PlanEntry> units = new ArrayList<>(given.size());
        Set<String> names = new java.util.HashSet<>();
        for (UnitRecord u : given) {
            names.add(u.name());
            units.add(givenEntry(u, recorded.get(u.name()), proposed, ipOf));
        }
        Set<String> others = new TreeSet<>(baseline.machineOf().keySet());
        others.addAll(baseline.waiting().keySet());
        others.addAll(proposed.machineOf().keySet());
        others.addAll(proposed.waiting().keySet());
        others.removeAll(names);
        List<PlanEntry> affected = new ArrayList<>();
        for (String name : others) {
            String before = baseline.machineOf().get(name);
            String after = proposed.machineOf().get(name);
            String reason = proposed.waiting().get(name);
            if (after != null) {
                if (!after.equals(before)) {
                    Verdict v = before == null ? Verdict.PLACE : Verdict.MOVE;
                    affected.add(entry(name, v, after, before, "", ipOf));
                }
            } else if (reason != null && (before != null || !reason.equals(baseline.waiting().get(name)))) {
                affected.add(entry(name, Verdict.WAIT, null, before, reason, ipOf));
            }
        }
        return new PlanReport(units, affected);
    }

    private static PlanEntry givenEntry(UnitRecord u, String now, SchedulingPass.Outcome proposed,
                                        Function<String, String> ipOf) {
        if (u.desired() == DesiredState.INACTIVE) {
            return entry(u.name(), Verdict.INACTIVE, null, now, "", ipOf);
        }
        UnitFacts facts = UnitFacts.of(u);
        if (facts.global()) {
            return entry(u.name(), Verdict.GLOBAL, null, now, "", ipOf);
        }
        String after = proposed.machineOf().get(u.name());
        if (after == null) {
            String reason = proposed.waiting().getOrDefault(u.name(), "not scheduled");
            return entry(u.name(), Verdict.WAIT, null, now, reason, ipOf);
        }
        if (now == null) {
            return entry(u.name(), Verdict.PLACE, after, null, "", ipOf);
        }
        return now.equals(after) ? entry(u.name(), Verdict.STAY, after, null, "", ipOf)
                : entry(u.name(), Verdict.MOVE, after, now, "", ipOf);
    }

    private static PlanEntry entry(String name, Verdict verdict, String machine, String from, String reason,
                                   Function<String, String> ipOf) {
        return new PlanEntry(name, verdict.json(), machine, machine == null ? "" : ipOf.apply(machine), from,
                from == null ? "" : ipOf.apply(from), reason);
    }
}
