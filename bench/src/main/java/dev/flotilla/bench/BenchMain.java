package dev.flotilla.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/**
 * Runs the benchmarks and prints one table. Sizes: {@code --machines=N --units=N --idle-seconds=N}
 * (defaults: Flotilla's scale target, 1,000 machines and 10,000 units, 60 s idle).
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int machines = 1000;
        int units = 10_000;
        int idleSeconds = 60;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                usage("unknown argument " + arg);
            }
            switch (kv[0]) {
                case "--machines" -> machines = positive(kv);
                case "--units" -> units = positive(kv);
                case "--idle-seconds" -> idleSeconds = positive(kv);
                default -> usage("unknown option " + kv[0]);
            }
        }
        System.out.printf("Flotilla benchmarks on %d cores, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), System.getProperty("java.version"));
        Report report = run(new EngineBench.Sizes(machines, units, Duration.ofSeconds(idleSeconds)));
        report.print(System.out);
    }

    static Report run(EngineBench.Sizes sizes) throws Exception {
        Path work = Files.createTempDirectory("flotilla-bench");
        try {
            Report report = new Report();
            new EngineBench(sizes, work).run(report);
            return report;
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int positive(String[] kv) {
        try {
            int v = Integer.parseInt(kv[1]);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to usage
        }
        usage(kv[0] + " needs a positive number, got '" + kv[1] + "'");
        return 0;
    }

    private static void usage(String problem) {
        System.err.println("bench: " + problem);
        System.err.println("usage: bench/run [--machines=N] [--units=N] [--idle-seconds=N]");
        System.exit(2);
    }
}
