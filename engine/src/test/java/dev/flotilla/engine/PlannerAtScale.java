package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.MachineView;
import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The engine's own pass at the scale issue's size: {@link IncrementalPlanner#full} (what every pass
 * costs without the kept state: views of every unit, parse-cache lookups, the scheduler's pass, the
 * diff) against {@link IncrementalPlanner#incremental} with one new unit, 100,000 units of ~600 bytes
 * on 5,000 machines in bench/'s mix. Printed, not asserted.
 *
 * <p>Run: {@code mvn -B -pl engine -am test-compile exec:exec@engine-scale -Dscale.main=dev.flotilla.engine.PlannerAtScale}.
 */
public final class PlannerAtScale {

    public static void main(String[] args) throws Exception {
        int machineCount = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int unitCount = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        Map<String, Machine> machines = new TreeMap<>();
        for (MachineView m : dev.flotilla.engine.scheduler.PassAtScale.machines(machineCount)) {
            machines.put(m.id(), new Machine(m.id(), "10.0.0.1", m.metadata(), "0.1.0"));
        }
        Map<String, UnitRecord> units = new HashMap<>();
        for (int i = 0; i < unitCount; i++) {
            UnitRecord u = unit(i);
            units.put(u.name(), u);
        }
        IncrementalPlanner first = new IncrementalPlanner();
        Planner.Plan placed = first.full(machines, units, List.of(), Map.of(), false);
        Map<String, Assignment> assignments = new HashMap<>();
        Map<String, String> waiting = new HashMap<>(); // as recorded after the first pass's writes
        for (AssignmentChange c : placed.changes()) {
            if (c instanceof AssignmentChange.Assign a) {
                assignments.put(a.assignment().unit(), a.assignment());
            } else if (c instanceof AssignmentChange.Waiting w) {
                waiting.put(w.unit(), w.reason());
            }
        }
        System.out.printf("%,d units on %,d machines, %,d assigned; load %s%n", unitCount, machineCount, assignments.size(), loadavg());

        // Both planners have every text parsed already, as the leader's planner has between passes.
        IncrementalPlanner fullOnly = new IncrementalPlanner();
        fullOnly.full(machines, units, assignments.values(), waiting, false);
        IncrementalPlanner planner = new IncrementalPlanner();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            Planner.Plan steady = planner.full(machines, units, assignments.values(), waiting, false);
            long t1 = System.nanoTime();
            planner.committed();
            UnitRecord added = unit(unitCount + r * 20); // a plain unit
            Map<String, UnitRecord> grown = new HashMap<>(units);
            grown.put(added.name(), added);
            long t2 = System.nanoTime();
            Planner.Plan one = planner.incremental(grown, name -> List.<Assignment>of(), waiting, Set.of(added.name()));
            long t3 = System.nanoTime();
            Planner.Plan full = fullOnly.full(machines, grown, assignments.values(), waiting, false);
            long t4 = System.nanoTime();
            if (!steady.isEmpty() || one == null || !one.changes().equals(full.changes())) {
                throw new IllegalStateException("unexpected plans: " + steady.changes().size() + " / " + one + " / " + full.changes());
            }
            System.out.printf("engine pass, one unit new: full %6.0f ms | incremental %7.3f ms | (the full pass before it,"
                    + " nothing to do: %6.0f ms) | load %s%n", ms(t4 - t3), ms(t3 - t2), ms(t1 - t0), loadavg());
        }
    }

    private static UnitRecord unit(int i) {
        return dev.flotilla.registry.RealisticUnits.mixed(i, DesiredState.LAUNCHED);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String loadavg() throws Exception {
        String s = Files.readString(Path.of("/proc/loadavg")).trim();
        return s.substring(0, s.indexOf(' ', s.indexOf(' ', s.indexOf(' ') + 1) + 1));
    }
}
