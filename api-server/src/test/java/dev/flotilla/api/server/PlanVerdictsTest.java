package dev.flotilla.api.server;

import dev.flotilla.api.PlanEntry;
import dev.flotilla.api.PlanReport;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The verdicts of a plan from two passes, without etcd or a scheduler. */
class PlanVerdictsTest {
    private static final String TEXT = "[Service]\nExecStart=/bin/true\n";

    private static UnitRecord unit(String name, String text, DesiredState desired) {
        return new UnitRecord(name, text, UnitFile.hashOf(text), desired);
    }

    private static SchedulingPass.Outcome outcome(Map<String, String> machineOf, Map<String, String> waiting) {
        return new SchedulingPass.Outcome(machineOf, new TreeMap<>(waiting));
    }

    private static PlanReport report(List<UnitRecord> given, Map<String, String> recorded, SchedulingPass.Outcome before,
                                     SchedulingPass.Outcome after) {
        return PlanVerdicts.report(given, recorded, before, after, id -> id.equals("m1") ? "10.0.0.1" : "");
    }

    @Test
    void givenUnitsAreJudgedAgainstWhereTheyAreRecorded() {
        List<UnitRecord> given = List.of(unit("new.service", TEXT, DesiredState.LAUNCHED),
                unit("kept.service", TEXT, DesiredState.LAUNCHED), unit("moved.service", TEXT, DesiredState.LAUNCHED),
                unit("stuck.service", TEXT, DesiredState.LAUNCHED), unit("off.service", TEXT, DesiredState.INACTIVE),
                unit("all.service", TEXT + "[X-Fleet]\nGlobal=true\n", DesiredState.LAUNCHED));
        Map<String, String> recorded = Map.of("kept.service", "m1", "moved.service", "m1", "off.service", "m1");
        SchedulingPass.Outcome after = outcome(Map.of("new.service", "m1", "kept.service", "m1", "moved.service", "m2"),
                Map.of("stuck.service", "needs 1 GiB memory"));

        PlanReport r = report(given, recorded, after, after);

        assertEquals(List.of(
                new PlanEntry("new.service", "place", "m1", "10.0.0.1", "", "", ""),
                new PlanEntry("kept.service", "stay", "m1", "10.0.0.1", "", "", ""),
                new PlanEntry("moved.service", "move", "m2", "", "m1", "10.0.0.1", ""),
                new PlanEntry("stuck.service", "wait", "", "", "", "", "needs 1 GiB memory"),
                new PlanEntry("off.service", "inactive", "", "", "m1", "10.0.0.1", ""),
                new PlanEntry("all.service", "global", "", "", "", "", "")), r.units());
        assertEquals(List.of(), r.affected());
    }

    @Test
    void otherUnitsShowOnlyWhereTheGivenOnesChangeTheirOutcome() {
        List<UnitRecord> given = List.of(unit("big.service", TEXT, DesiredState.LAUNCHED));
        // the engine is about to place late.service anyway: both passes agree, so it is no effect of the plan
        SchedulingPass.Outcome before = outcome(Map.of("same.service", "m1", "pushed.service", "m1", "late.service", "m2",
                "old.service", "m1"), Map.of("patient.service", "no machine has room", "freed.service", "no room"));
        SchedulingPass.Outcome after = outcome(Map.of("same.service", "m1", "big.service", "m1", "late.service", "m2",
                "old.service", "m2", "freed.service", "m1"), Map.of("pushed.service", "needs 2 GiB memory",
                "patient.service", "no machine has room"));

        PlanReport r = report(given, Map.of("same.service", "m1", "pushed.service", "m1", "old.service", "m1"), before, after);

        assertEquals(List.of(
                new PlanEntry("freed.service", "place", "m1", "10.0.0.1", "", "", ""),
                new PlanEntry("old.service", "move", "m2", "", "m1", "10.0.0.1", ""),
                new PlanEntry("pushed.service", "wait", "", "", "m1", "10.0.0.1", "needs 2 GiB memory")), r.affected());
        assertEquals(true, r.anyWaits());
    }
}
