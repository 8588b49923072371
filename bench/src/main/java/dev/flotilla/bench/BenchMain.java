package dev.flotilla.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the benchmarks and prints one table. Sizes: {@code --machines=N --units=N --idle-seconds=N}
 * (defaults: Flotilla's scale target, 1,000 machines and 10,000 units, 60 s idle). {@code --only=}
 * a comma-separated subset of {@code etcd,engine,agents,flotd,status}; {@code --flotd-opts=} and
 * {@code --flotctl-opts=} replace the packaged scripts' JVM options (to compare sizings).
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        // 1,000 agents in one JVM would log ~10,000 lines a run through one stderr, a cost no real
        // machine has: warnings only, unless -Dorg.slf4j.simpleLogger.log.dev.flotilla.agent=info.
        if (System.getProperty(AGENT_LOG_LEVEL) == null) {
            System.setProperty(AGENT_LOG_LEVEL, "warn");
        }
        int machines = 1000;
        int units = 10_000;
        int idleSeconds = 60;
        Set<String> only = ALL;
        Optional<String> flotdOpts = Optional.empty();
        Optional<String> flotctlOpts = Optional.empty();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                usage("unknown argument " + arg);
            }
            switch (kv[0]) {
                case "--machines" -> machines = positive(kv);
                case "--units" -> units = positive(kv);
                case "--idle-seconds" -> idleSeconds = positive(kv);
                case "--only" -> only = parts(kv);
                case "--flotd-opts" -> flotdOpts = Optional.of(kv[1]);
                case "--flotctl-opts" -> flotctlOpts = Optional.of(kv[1]);
                default -> usage("unknown option " + kv[0]);
            }
        }
        System.out.printf("Flotilla benchmarks on %d cores, %s, Java %s, load average at start %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version"), loadAverage());
        Report report = run(new EngineBench.Sizes(machines, units, Duration.ofSeconds(idleSeconds)), only,
                new FlotdBench.Jvm(flotdOpts, flotctlOpts));
        report.print(System.out);
        System.out.println("load average at the end: " + loadAverage());
    }

    private static final String AGENT_LOG_LEVEL = "org.slf4j.simpleLogger.log.dev.flotilla.agent";

    static final Set<String> ALL = Set.of("etcd", "engine", "agents", "flotd", "status");

    static Report run(EngineBench.Sizes sizes, Set<String> which, FlotdBench.Jvm jvm) throws Exception {
        Path work = Files.createTempDirectory("flotilla-bench");
        // The agents' unit folders on tmpfs, as flotd's /run/flotilla/units is.
        Path shm = Path.of("/dev/shm");
        Path unitDirs = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "flotilla-bench-units") : Files.createDirectories(work.resolve("units"));
        try {
            Report report = new Report();
            if (which.contains("etcd")) {
                EtcdCeiling.measure(work).ifPresent(report::etcdCeiling);
            }
            if (which.contains("engine")) {
                new EngineBench(sizes, work).run(report);
            }
            if (which.contains("agents")) {
                new AgentBench(sizes, work, unitDirs).run(report);
            }
            if (which.contains("flotd")) {
                new FlotdBench(sizes, work, jvm).run(report);
            }
            if (which.contains("status")) {
                new StatusBench(sizes, work, jvm).run(report);
            }
            return report;
        } finally {
            delete(work);
            delete(unitDirs);
        }
    }

    private static void delete(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The 1, 5 and 15 minute load averages: the machine is shared, so each run says how busy it was. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static Set<String> parts(String[] kv) {
        Set<String> out = new java.util.LinkedHashSet<>(List.of(kv[1].split(",")));
        if (out.isEmpty() || !ALL.containsAll(out)) {
            usage(kv[0] + " takes a comma-separated subset of etcd,engine,agents,flotd,status, got '" + kv[1] + "'");
        }
        return out;
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
        System.err.println("usage: bench/run [--machines=N] [--units=N] [--idle-seconds=N] [--only=etcd,engine,agents,flotd,status]"
                + " [--flotd-opts='JVM options'] [--flotctl-opts='JVM options']");
        System.exit(2);
    }
}
