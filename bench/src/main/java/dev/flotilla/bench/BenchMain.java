package dev.flotilla.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the benchmarks and prints one table. Sizes: {@code --machines=N --units=N --idle-seconds=N}
 * (defaults: Flotilla's scale target, 1,000 machines and 10,000 units, 60 s idle). {@code --only=}
 * a comma-separated subset of {@code etcd,engine,agents,leases,flotd,status}; {@code --flotd-opts=} and
 * {@code --flotctl-opts=} replace the packaged scripts' JVM options (to compare sizings);
 * {@code --machine-ttl=S} the simulated agents' machine TTL (flotd's machine_ttl, default 5 s);
 * {@code --machine-ttl=rule}: at each size the TTL {@link LeaseBench#ruleTtl} gives; {@code --submitters=N}
 * the concurrent batch callers of the agents part's submissions (default
 * {@link EngineBench.Sizes#DEFAULT_SUBMITTERS}, each on a connection of its own).
 *
 * <p>Several sizes make a sweep: {@code --sweep} (1,000 x 10,000, 2,000 x 20,000, 5,000 x 50,000 and
 * 5,000 x 100,000), {@code --size=MACHINESxUNITS} repeated, or {@code --machines}/{@code --units}
 * repeated (paired in order). The etcd ceiling is measured once, every other part at each size; each
 * size's table is printed when it is done, and at the end the {@link GrowthTable} of all of them.
 */
public final class BenchMain {
    /** {@code --machine-ttl=rule}. */
    private static final int RULE_TTL = -1;
    private BenchMain() {
    }

    /** The sweep of issue 19: from today's target to Kubernetes' 5,000 machines, and 100,000 units. */
    static final List<int[]> SWEEP = List.of(new int[] {1000, 10_000}, new int[] {2000, 20_000}, new int[] {5000, 50_000},
            new int[] {5000, 100_000});

    public static void main(String[] args) throws Exception {
        // 1,000 agents in one JVM would log ~10,000 lines a run through one stderr, a cost no real
        // machine has: warnings only, unless -Dorg.slf4j.simpleLogger.log.dev.flotilla.agent=info.
        if (System.getProperty(AGENT_LOG_LEVEL) == null) {
            System.setProperty(AGENT_LOG_LEVEL, "warn");
        }
        List<Integer> machines = new ArrayList<>();
        List<Integer> units = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        int idleSeconds = 60;
        int ttlSeconds = (int) EngineBench.Sizes.DEFAULT_TTL.toSeconds();
        Set<String> only = ALL;
        Optional<String> flotdOpts = Optional.empty();
        Optional<String> flotctlOpts = Optional.empty();
        int submitters = EngineBench.Sizes.DEFAULT_SUBMITTERS;
        for (String arg : args) {
            if (arg.equals("--sweep")) {
                sizes.addAll(SWEEP);
                continue;
            }
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                usage("unknown argument " + arg);
            }
            switch (kv[0]) {
                case "--machines" -> machines.add(positive(kv));
                case "--units" -> units.add(positive(kv));
                case "--size" -> sizes.add(size(kv));
                case "--idle-seconds" -> idleSeconds = positive(kv);
                case "--machine-ttl" -> ttlSeconds = "rule".equals(kv[1]) ? RULE_TTL : positive(kv);
                case "--only" -> only = parts(kv);
                case "--submitters" -> submitters = positive(kv);
                case "--flotd-opts" -> flotdOpts = Optional.of(kv[1]);
                case "--flotctl-opts" -> flotctlOpts = Optional.of(kv[1]);
                default -> usage("unknown option " + kv[0]);
            }
        }
        if (machines.size() > 1 || units.size() > 1) {
            if (machines.size() != units.size()) {
                usage("repeated --machines and --units pair up in order: give as many of each (got " + machines.size()
                        + " and " + units.size() + ")");
            }
            for (int i = 0; i < machines.size(); i++) {
                sizes.add(new int[] {machines.get(i), units.get(i)});
            }
        } else if (sizes.isEmpty() || !machines.isEmpty() || !units.isEmpty()) {
            sizes.add(0, new int[] {machines.isEmpty() ? 1000 : machines.get(0), units.isEmpty() ? 10_000 : units.get(0)});
        }
        System.out.printf("Flotilla benchmarks on %d cores, %s, Java %s, load average at start %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version"), loadAverage());
        Duration idle = Duration.ofSeconds(idleSeconds);
        int chosenTtl = ttlSeconds;
        java.util.function.IntFunction<Duration> ttlFor = count -> chosenTtl == RULE_TTL
                ? LeaseBench.ruleTtl(count) : Duration.ofSeconds(chosenTtl);
        FlotdBench.Jvm jvm = new FlotdBench.Jvm(flotdOpts, flotctlOpts);
        int callers = submitters;
        if (sizes.size() == 1) {
            // A part that fails still leaves the figures measured before it: print them, then fail.
            Report report = run(new EngineBench.Sizes(sizes.get(0)[0], sizes.get(0)[1], idle, ttlFor.apply(sizes.get(0)[0]), callers),
                    only, jvm, new LinkedHashMap<>(), true);
            report.print(System.out);
            if (!report.failures().isEmpty()) {
                System.out.println("load average at the end: " + loadAverage());
                System.exit(1);
            }
        } else {
            List<EngineBench.Sizes> each = sizes.stream().map(s -> new EngineBench.Sizes(s[0], s[1], idle, ttlFor.apply(s[0]), callers))
                    .toList();
            List<GrowthTable.SizeRun> runs = sweep(each, only, jvm, System.out);
            System.out.println();
            System.out.println("Growth table (" + runs.size() + " sizes, idle windows of " + idleSeconds + " s, machine TTL " + (ttlSeconds == RULE_TTL ? "by the rule max(5 s, 3 x machines / 1,000)" : ttlSeconds + " s") + "):");
            new GrowthTable(runs).print(System.out);
        }
        System.out.println("load average at the end: " + loadAverage());
    }

    /**
     * Runs the parts at each size, one size after the other, printing each size's table as it ends. A
     * part that fails at one size is reported (its figures are missing there) and the sweep goes on.
     */
    static List<GrowthTable.SizeRun> sweep(List<EngineBench.Sizes> sizes, Set<String> which, FlotdBench.Jvm jvm, PrintStream out)
            throws Exception {
        OptionalDouble ceiling = OptionalDouble.empty();
        if (which.contains("etcd")) {
            Path work = Files.createTempDirectory("flotilla-bench");
            try {
                ceiling = EtcdCeiling.measure(work);
            } finally {
                delete(work);
            }
        }
        Set<String> parts = new java.util.LinkedHashSet<>(which);
        parts.remove("etcd");
        List<GrowthTable.SizeRun> runs = new ArrayList<>();
        for (EngineBench.Sizes size : sizes) {
            String loadStart = loadAverage();
            long t = System.nanoTime();
            Map<String, Double> seconds = new LinkedHashMap<>();
            Report report = run(size, parts, jvm, seconds, true);
            ceiling.ifPresent(report::etcdCeiling);
            GrowthTable.SizeRun r = new GrowthTable.SizeRun(size.machines(), size.units(), report, loadStart, loadAverage(),
                    (System.nanoTime() - t) / 1e9, seconds);
            out.printf("%n%s (load average %s at start, %s at the end; %.0f s: %s)%n", r.label(), r.loadStart(), r.loadEnd(),
                    r.seconds(), String.join(", ", seconds.entrySet().stream().map(e -> e.getKey() + " " + Math.round(e.getValue()) + " s").toList()));
            report.print(out);
            runs.add(r);
        }
        return runs;
    }

    private static final String AGENT_LOG_LEVEL = "org.slf4j.simpleLogger.log.dev.flotilla.agent";

    static final Set<String> ALL = Set.of("etcd", "engine", "agents", "leases", "flotd", "status");

    static Report run(EngineBench.Sizes sizes, Set<String> which, FlotdBench.Jvm jvm) throws Exception {
        return run(sizes, which, jvm, new LinkedHashMap<>(), false);
    }

    /**
     * Runs the parts in a fixed order at one size.
     *
     * @param seconds         filled with each part's wall time
     * @param keepGoing       a failing part is recorded in the report and the next part runs (the sweep);
     *                        otherwise the failure ends the run
     */
    static Report run(EngineBench.Sizes sizes, Set<String> which, FlotdBench.Jvm jvm, Map<String, Double> seconds, boolean keepGoing)
            throws Exception {
        Path work = Files.createTempDirectory("flotilla-bench");
        // The agents' unit folders on tmpfs, as flotd's /run/flotilla/units is.
        Path shm = Path.of("/dev/shm");
        Path unitDirs = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "flotilla-bench-units") : Files.createDirectories(work.resolve("units"));
        try {
            Report report = new Report();
            for (String part : List.of("etcd", "engine", "agents", "leases", "flotd", "status")) {
                if (!which.contains(part)) {
                    continue;
                }
                long t = System.nanoTime();
                try {
                    switch (part) {
                        case "etcd" -> EtcdCeiling.measure(work).ifPresent(report::etcdCeiling);
                        case "engine" -> new EngineBench(sizes, work).run(report);
                        case "agents" -> new AgentBench(sizes, work, unitDirs).run(report);
                        case "leases" -> new LeaseBench(sizes, work).run(report);
                        case "flotd" -> new FlotdBench(sizes, work, jvm).run(report);
                        case "status" -> new StatusBench(sizes, work, jvm).run(report);
                        default -> throw new IllegalArgumentException(part);
                    }
                } catch (Exception e) {
                    if (!keepGoing) {
                        throw e;
                    }
                    System.err.println("bench: " + part + " failed at " + sizes.machines() + " x " + sizes.units() + ": " + e);
                    e.printStackTrace();
                    report.failed(part, e);
                }
                seconds.put(part, (System.nanoTime() - t) / 1e9);
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
            usage(kv[0] + " takes a comma-separated subset of etcd,engine,agents,leases,flotd,status, got '" + kv[1] + "'");
        }
        return out;
    }

    private static int[] size(String[] kv) {
        String[] mu = kv[1].split("x", 2);
        try {
            if (mu.length == 2 && Integer.parseInt(mu[0]) > 0 && Integer.parseInt(mu[1]) > 0) {
                return new int[] {Integer.parseInt(mu[0]), Integer.parseInt(mu[1])};
            }
        } catch (NumberFormatException e) {
            // falls through to usage
        }
        usage(kv[0] + " takes MACHINESxUNITS, e.g. 1000x10000, got '" + kv[1] + "'");
        return null;
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
        System.err.println("usage: bench/run [--machines=N] [--units=N] [--idle-seconds=N] [--machine-ttl=S] [--only=etcd,engine,agents,leases,flotd,status]"
                + " [--submitters=N] [--flotd-opts='JVM options'] [--flotctl-opts='JVM options']");
        System.err.println("       bench/run --sweep | --size=MACHINESxUNITS... | --machines=N --units=N --machines=N --units=N... [other options]");
        System.exit(2);
    }
}
