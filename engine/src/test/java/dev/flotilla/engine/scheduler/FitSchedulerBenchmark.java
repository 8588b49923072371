package dev.flotilla.engine.scheduler;

import dev.flotilla.unitfile.Demand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Placement by fit and dominant share: 10,000 units with demands onto 1,000 machines of two sizes,
 * from scratch, with {@link SchedulerBenchmark}'s mix of constraints and two global units that reserve
 * on every machine. Compare with {@code SchedulerBenchmark.scheduleFromScratch} at 1,000 machines (no
 * demands, no capacities: the count-based pass).
 *
 * <p>Run: {@code mvn -B -pl engine -am test-compile exec:exec@engine-jmh -Djmh.args="FitSchedulerBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FitSchedulerBenchmark {

    static final int UNITS = 10_000;
    static final int MACHINES = 1_000;
    private static final long MiB = 1L << 20;

    private final Scheduler scheduler = Scheduler.leastLoaded();
    private ClusterSnapshot empty;

    @Setup
    public void setUp() {
        Random r = new Random(42);
        List<MachineView> machines = new ArrayList<>();
        for (int i = 0; i < MACHINES; i++) {
            String id = String.format("%08x%024x", r.nextInt(), i);
            Capacity c = i % 3 == 0 ? new Capacity(16_000, 64 * 1024 * MiB) : new Capacity(8_000, 32 * 1024 * MiB);
            machines.add(new MachineView(id, Map.of("region", "r" + (i % 4), "disk", i % 3 == 0 ? "hdd" : "ssd"), c));
        }
        List<UnitView> units = new ArrayList<>();
        for (int i = 0; i < UNITS; i++) {
            UnitView u = SchedulerBenchmark.unit(i);
            units.add(new UnitView(u.name(), u.desired(), u.constraints(), demand(r)));
        }
        units.add(new UnitView("node-exporter.service", WantedState.LAUNCHED, Constraints.NONE.asGlobal(),
                new Demand(100, 128 * MiB, 0)));
        units.add(new UnitView("log-shipper.service", WantedState.LAUNCHED, Constraints.NONE.asGlobal(),
                new Demand(200, 0, 100)));
        empty = new ClusterSnapshot(machines, units, Map.of());
        Decisions d = scheduler.schedule(empty);
        int placed = d.applyTo(Map.of()).size();
        if (placed < UNITS * 9 / 10) {
            throw new IllegalStateException("expected most units placed, got " + placed + "; e.g. "
                    + d.waiting().entrySet().stream().findFirst().orElse(null));
        }
        System.out.println("\n[fit] placed " + placed + " of " + UNITS + ", waiting " + d.waiting().size());
    }

    /** 10% none, 10% a percentage of memory, the rest 0.1-1 CPUs and 256 MiB-4 GiB. */
    private static Demand demand(Random r) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            return Demand.NONE;
        }
        long cpu = 100L * (1 + r.nextInt(10));
        if (kind == 1) {
            return new Demand(cpu, 0, 100 * (1 + r.nextInt(10)));
        }
        return new Demand(cpu, 256 * MiB * (1 + r.nextInt(16)), 0);
    }

    @Benchmark
    public Decisions scheduleWithDemandsFromScratch() {
        return scheduler.schedule(empty);
    }
}
