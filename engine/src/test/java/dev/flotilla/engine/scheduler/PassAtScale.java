package dev.flotilla.engine.scheduler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pass times at the scale issue's size, printed (not asserted: a busy 2-core box must not fail a build).
 * 100,000 units on 5,000 machines in bench/'s mix (70% plain, 15% MachineMetadata, 5% Conflicts=solo-*,
 * 10% MachineOf), and the case that once took minutes: 5,000 {@code Conflicts=solo-*} units on 1,000
 * machines, 4,000 of them left waiting.
 *
 * <p>Run: {@code mvn -B -pl engine -am test-compile exec:exec@engine-scale}.
 */
public final class PassAtScale {

    public static void main(String[] args) throws Exception {
        int machines = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int units = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Scheduler scheduler = Scheduler.leastLoaded();

        List<MachineView> ms = machines(machines);
        List<UnitView> us = new ArrayList<>(units);
        for (int i = 0; i < units; i++) {
            us.add(unit(i));
        }
        ClusterSnapshot empty = new ClusterSnapshot(ms, us, Map.of());
        Map<String, String> placed = scheduler.schedule(empty).applyTo(Map.of());
        ClusterSnapshot steady = new ClusterSnapshot(ms, us, placed);
        List<UnitView> plusOne = new ArrayList<>(us);
        plusOne.add(new UnitView("new-0.service", WantedState.LAUNCHED, Constraints.NONE));
        ClusterSnapshot steadyPlusOne = new ClusterSnapshot(ms, plusOne, placed);

        System.out.printf("%,d units on %,d machines, %,d placed; load %s%n", units, machines, placed.size(), loadavg());
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            Pass fromScratch = new Pass(empty);
            fromScratch.run();
            long t1 = System.nanoTime();
            Decisions full = scheduler.schedule(steadyPlusOne);
            long t2 = System.nanoTime();
            IncrementalScheduler inc = new IncrementalScheduler();
            inc.schedule(steady);
            inc.commit();
            long t3 = System.nanoTime();
            Decisions one = inc.add(List.of(new UnitView("new-0.service", WantedState.LAUNCHED, Constraints.NONE))).orElseThrow();
            long t4 = System.nanoTime();
            if (!full.decisions().equals(one.decisions())) {
                throw new IllegalStateException("incremental and full passes disagree");
            }
            System.out.printf("from scratch %6.0f ms (%,d pattern tests) | full pass, one unit new %6.0f ms | incremental, one unit new %8.3f ms"
                            + " (its state built by a full pass: %4.0f ms) | load %s%n",
                    ms(t1 - t0), fromScratch.patternTests(), ms(t2 - t1), ms(t4 - t3), ms(t3 - t2), loadavg());
        }

        // Once minutes: 5,000 units that all conflict with each other on 1,000 machines.
        List<UnitView> solos = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            solos.add(new UnitView("solo-" + i + ".service", WantedState.LAUNCHED, Constraints.NONE.withConflicts("solo-*")));
        }
        for (int i = 0; i < 95_000; i++) {
            solos.add(new UnitView("app-" + i + ".service", WantedState.LAUNCHED, Constraints.NONE));
        }
        ClusterSnapshot conflicting = new ClusterSnapshot(machines(1_000), solos, Map.of());
        for (int r = 0; r < Math.min(rounds, 3); r++) {
            long t0 = System.nanoTime();
            Pass pass = new Pass(conflicting);
            Decisions d = pass.run();
            long t1 = System.nanoTime();
            System.out.printf("5,000 Conflicts=solo-* + 95,000 plain on 1,000 machines: %,d waiting, %6.0f ms, %,d pattern tests | load %s%n",
                    d.waiting().size(), ms(t1 - t0), pass.patternTests(), loadavg());
        }
    }

    public static List<MachineView> machines(int n) {
        List<MachineView> ms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ms.add(new MachineView(String.format("%032x", 0x9e3779b97f4a7c15L * (i + 1)),
                    Map.of("az", String.valueOf((char) ('a' + i % 4)), "disk", i % 3 == 0 ? "hdd" : "ssd")));
        }
        return ms;
    }

    /** bench/'s SimulatedCluster mix. */
    static UnitView unit(int i) {
        int kind = i % 20;
        if (kind < 14) {
            return new UnitView("app-" + i + ".service", WantedState.LAUNCHED, Constraints.NONE);
        } else if (kind < 16) {
            return new UnitView("zonal-" + i + ".service", WantedState.LAUNCHED,
                    Constraints.NONE.withMetadata(MetadataRule.builder().equal("az", "a").build()));
        } else if (kind < 17) {
            return new UnitView("fast-" + i + ".service", WantedState.LAUNCHED,
                    Constraints.NONE.withMetadata(MetadataRule.builder().equal("disk", "ssd").notEqual("az", "d").build()));
        } else if (kind < 18) {
            return new UnitView("solo-" + i + ".service", WantedState.LAUNCHED, Constraints.NONE.withConflicts("solo-*"));
        }
        return new UnitView("side-" + i + ".service", WantedState.LAUNCHED,
                Constraints.NONE.withMachineOf("app-" + (i - kind) + ".service"));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String loadavg() throws Exception {
        String s = Files.readString(Path.of("/proc/loadavg")).trim();
        return s.substring(0, s.indexOf(' ', s.indexOf(' ', s.indexOf(' ') + 1) + 1));
    }
}
