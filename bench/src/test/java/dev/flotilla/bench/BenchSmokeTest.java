package dev.flotilla.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmarks at CI size, so they keep working; their numbers are printed, not judged. The etcd
 * ceiling (a 60 s etcdctl run) is left out; its parsing is checked on etcdctl's own output.
 */
@Tag("etcd")
class BenchSmokeTest {
    @Test
    void everyBenchmarkRunsAtSmallSizeAndReportsEveryFigure() throws Exception {
        Report report = BenchMain.run(new EngineBench.Sizes(20, 200, Duration.ofSeconds(2)), Set.of("engine", "agents", "flotd"),
                FlotdBench.Jvm.packaged());
        report.print(System.out);
        List<String> names = report.figures().stream().map(Figure::name).toList();
        assertEquals(9 + 8 + 5, names.size(), names::toString);

        // Each unit is written at least as submitted, assigned and reported active.
        assertTrue(value(report, "etcd key writes per unit: start of a new unit") >= 3, report.figures()::toString);
        // ... and once more when it is submitted and started in two calls.
        assertTrue(value(report, "etcd key writes per unit: submit, then start") >= 4, report.figures()::toString);
        assertTrue(value(report, "flotd RSS") > 0, report.figures()::toString);
    }

    @Test
    void theEtcdCeilingIsReadFromEtcdctlsVerdict() {
        assertEquals(3412, EtcdCeiling.parse("60 / 60 100.00% 1m0s\nPASS: Throughput is 3412 writes/s\nPASS: Slowest request took 0.31s\n")
                .getAsDouble());
        assertEquals(913, EtcdCeiling.parse("FAIL: Throughput too low: 913 writes/s\n").getAsDouble());
    }

    private static double value(Report report, String prefix) {
        return report.figures().stream().filter(f -> f.name().startsWith(prefix)).findFirst().orElseThrow().value();
    }
}
