package dev.flotilla.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmarks at CI size, so they keep working; their numbers are printed, not judged. */
@Tag("etcd")
class BenchSmokeTest {
    @Test
    void theEngineBenchRunsAtSmallSizeAndReportsEveryFigure() throws Exception {
        Report report = BenchMain.run(new EngineBench.Sizes(20, 200, Duration.ofSeconds(2)));
        report.print(System.out);
        assertEquals(9, report.figures().size(), report.figures()::toString);
        Figure writes = report.figures().stream().filter(f -> f.name().startsWith("etcd key writes per unit")).findFirst().orElseThrow();
        assertTrue(writes.value() >= 1, "every unit was written at least once: " + writes.value());
    }
}
