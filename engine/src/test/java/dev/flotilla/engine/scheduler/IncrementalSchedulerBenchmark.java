package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a pass costs during a burst of submissions once the scheduler keeps its state: 10 new units
 * added to a placed cluster of 10,000 units, against the same cluster planned from scratch
 * ({@link SchedulerBenchmark#steadyClusterNothingToDo()}).
 *
 * <p>Each measured batch is 100 passes of 10 new units on a freshly placed cluster (adding changes the
 * state, so every iteration starts again from the same one): the time shown is for the 100 passes.
 * Run: {@code mvn -B -pl engine -am test-compile exec:exec@engine-jmh -Djmh.args=IncrementalSchedulerBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10, batchSize = 100)
@Measurement(iterations = 20, batchSize = 100)
public class IncrementalSchedulerBenchmark {

    @Param({"1000", "10000"})
    public int machines;

    private ClusterSnapshot steady;
    private IncrementalScheduler scheduler;
    private int next;

    @Setup(Level.Trial)
    public void cluster() {
        Random r = new Random(42);
        List<MachineView> list = new ArrayList<>();
        for (int i = 0; i < machines; i++) {
            list.add(new MachineView(String.format("%08x%024x", r.nextInt(), i), Map.of("region", "r" + (i % 4))));
        }
        List<UnitView> units = new ArrayList<>();
        for (int i = 0; i < SchedulerBenchmark.UNITS; i++) {
            units.add(new UnitView("app-" + i + ".service", WantedState.LAUNCHED, Constraints.NONE));
        }
        ClusterSnapshot empty = new ClusterSnapshot(list, units, Map.of());
        steady = new ClusterSnapshot(list, units, Scheduler.leastLoaded().schedule(empty).applyTo(Map.of()));
    }

    @Setup(Level.Iteration)
    public void placed() {
        scheduler = new IncrementalScheduler();
        if (!scheduler.schedule(steady).isEmpty()) {
            throw new IllegalStateException("the steady cluster should need nothing");
        }
        scheduler.commit();
    }

    @Benchmark
    public Decisions tenNewUnits() {
        List<UnitView> added = new ArrayList<>(10);
        for (int i = 0; i < 10; i++) {
            added.add(new UnitView("new-" + next++ + ".service", WantedState.LAUNCHED, Constraints.NONE));
        }
        Decisions d = scheduler.add(added).orElseThrow();
        scheduler.commit();
        return d;
    }
}
