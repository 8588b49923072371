package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Scheduler cost at fleet's documented limit times ten: 10,000 units, on 100, 1,000 and 10,000 machines.
 *
 * <p>Run: {@code mvn -B -pl engine -am test-compile exec:exec@engine-jmh} (defaults: 1 fork, 3 warm-up and 5
 * measured iterations of 2 s); pass other JMH options with {@code -Djmh.args="SchedulerBenchmark -f 1 ..."}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SchedulerBenchmark {

    static final int UNITS = 10_000;

    /** How the pass grows with the cluster: 10,000 units on 100 to 10,000 machines. */
    @Param({"100", "1000", "10000"})
    public int machines;

    private final Scheduler scheduler = Scheduler.leastLoaded();
    private ClusterSnapshot empty;
    private ClusterSnapshot steady;
    private ClusterSnapshot oneMachineGone;

    @Setup
    public void setUp() {
        Random r = new Random(42);
        List<MachineView> machines = new ArrayList<>();
        int count = this.machines;
        for (int i = 0; i < count; i++) {
            String id = String.format("%08x%024x", r.nextInt(), i);
            machines.add(new MachineView(id, Map.of("region", "r" + (i % 4), "disk", i % 3 == 0 ? "hdd" : "ssd")));
        }
        List<UnitView> units = new ArrayList<>();
        for (int i = 0; i < UNITS; i++) {
            units.add(unit(i));
        }
        empty = new ClusterSnapshot(machines, units, Map.of());

        Map<String, String> placed = scheduler.schedule(empty).applyTo(Map.of());
        if (placed.size() != UNITS) {
            throw new IllegalStateException("expected every unit placed, got " + placed.size());
        }
        steady = new ClusterSnapshot(machines, units, placed);
        oneMachineGone = new ClusterSnapshot(machines.subList(1, machines.size()), units, placed);
        int moved = scheduler.schedule(oneMachineGone).decisions().size() / 2;
        if (moved > 2 * UNITS / machines.size() + 5 || !scheduler.schedule(steady).isEmpty()) {
            throw new IllegalStateException("unexpected scenario: " + moved + " units to move");
        }
    }

    /** 80% plain, 10% MachineMetadata, 5% Conflicts (50 groups of 10), 5% MachineOf a plain unit. */
    static UnitView unit(int i) {
        Constraints c;
        String name;
        int kind = i % 20;
        if (kind < 16) {
            name = "app-" + i + ".service";
            c = Constraints.NONE;
        } else if (kind < 18) {
            name = "meta-" + i + ".service";
            MetadataRule.Builder rule = MetadataRule.builder().equal("region", "r" + (i % 4));
            if (kind == 17) {
                rule.equal("disk", "ssd");
            }
            c = Constraints.NONE.withMetadata(rule.build());
        } else if (kind == 18) {
            int group = (i / 20) % 50;
            name = "grp" + group + "-" + i + ".service";
            c = Constraints.NONE.withConflicts("grp" + group + "-*");
        } else {
            name = "side-" + i + ".service";
            c = Constraints.NONE.withMachineOf("app-" + (i - 19) + ".service");
        }
        return new UnitView(name, WantedState.LAUNCHED, c);
    }

    @Benchmark
    public Decisions scheduleFromScratch() {
        return scheduler.schedule(empty);
    }

    @Benchmark
    public Decisions oneOfAThousandMachinesVanished() {
        return scheduler.schedule(oneMachineGone);
    }

    @Benchmark
    public Decisions steadyClusterNothingToDo() {
        return scheduler.schedule(steady);
    }
}
