package dev.flotilla.bench;

import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdProcess;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.flotilla.bench.EngineBench.awaitTrue;
import static dev.flotilla.bench.EngineBench.ms;

/**
 * A real {@code flotd} process (systemd=off) as the engine leader of a simulated cluster: its memory
 * with every unit placed, and flotctl's start-up time against it. Both run with the JVM options of the
 * packaged start scripts ({@code packaging/src/bin/flotd}, {@code flotctl}) unless told otherwise.
 */
final class FlotdBench {
    private static final String MACHINE_ID = "f107d000000000000000000000000001";
    private static final Pattern OPTS = Pattern.compile("\\$\\{(FLOTD|FLOTCTL)_JAVA_OPTS:-([^}]*)}");

    /**
     * @param flotdOpts   flotd's JVM options (empty: the packaged script's)
     * @param flotctlOpts flotctl's JVM options (empty: the packaged script's)
     */
    record Jvm(Optional<String> flotdOpts, Optional<String> flotctlOpts) {
        static Jvm packaged() {
            return new Jvm(Optional.empty(), Optional.empty());
        }
    }

    private final EngineBench.Sizes sizes;
    private final Path workDir;
    private final Jvm jvm;

    FlotdBench(EngineBench.Sizes sizes, Path workDir, Jvm jvm) {
        this.sizes = sizes;
        this.workDir = workDir;
        this.jvm = jvm;
    }

    void run(Report report) throws Exception {
        int m = sizes.machines();
        int n = sizes.units();
        String flotdOpts = jvm.flotdOpts().orElseGet(() -> scriptOpts("flotd"));
        String flotctlOpts = jvm.flotctlOpts().orElseGet(() -> scriptOpts("flotctl"));
        Path dir = Files.createDirectories(workDir.resolve("flotd"));
        Files.writeString(dir.resolve("machine-id"), MACHINE_ID + "\n");
        Path socket = dir.resolve("flotd.sock");
        try (EtcdProcess etcd = EtcdProcess.startOnFreePorts(workDir.resolve("etcd-flotd"), Duration.ofSeconds(30));
             Registry users = Registry.connect(EtcdConfig.of(etcd.clientUrl()))) {
            List<String> cmd = new ArrayList<>(java(flotdOpts));
            cmd.addAll(List.of("dev.flotilla.flotd.FlotdMain", "--config=" + dir.resolve("none.conf"),
                    "--etcd-endpoints=" + etcd.clientUrl(), "--systemd=off", "--machine-id-file=" + dir.resolve("machine-id"),
                    "--state-dir=" + dir.resolve("state"), "--api-socket=" + socket, "--unit-dir=" + dir.resolve("units"),
                    "--public-ip=127.0.0.1", "--log-level=warn"));
            Files.writeString(dir.resolve("none.conf"), "# every setting is a flag\n");
            long t0 = System.nanoTime();
            Process flotd = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("flotd.log").toFile()).start();
            List<MachinePresence> machines = List.of();
            try {
                awaitTrue("flotd leads the engine", Duration.ofSeconds(60), () -> {
                    if (!flotd.isAlive()) {
                        throw new IllegalStateException("flotd exited with " + flotd.exitValue() + "; see " + dir.resolve("flotd.log"));
                    }
                    return users.engineLeader().filter(MACHINE_ID::equals).isPresent() && Files.exists(socket);
                });
                report.add(new Figure("flotd start until engine leader, API up", ms(System.nanoTime() - t0), "ms", "",
                        "process start until its machine id holds the leader key and the socket exists"));
                Rss empty = Rss.of(flotd.pid());
                machines = SimulatedCluster.register(users, m - 1, Duration.ofSeconds(30));
                SimulatedCluster.submit(users, SimulatedCluster.units(n, DesiredState.LAUNCHED), EngineBench.SUBMITTERS);
                awaitTrue("flotd placed every unit", Duration.ofSeconds(Math.max(60, n / 50)),
                        () -> users.assignments().value().size() == n);
                Thread.sleep(2000); // let the leader finish what the last pass started before reading its memory
                Rss full = Rss.of(flotd.pid());
                report.add(new Figure("flotd RSS, engine leader of " + n + " units / " + m + " machines", full.rssMiB(), "MiB",
                        "< 256 MiB", "VmRSS of the flotd process (systemd=off), all units placed; " + empty.rssMiB()
                        + " MiB before any; JVM: " + flotdOpts).grows("engine leader (flotd) RSS", Figure.Basis.UNITS));
                report.add(new Figure("flotd peak RSS, same run", full.hwmMiB(), "MiB", "< 256 MiB", "VmHWM (high-water mark)"));

                String endpoint = "--endpoint=unix://" + socket;
                report.add(new Figure("flotctl version (JVM start-up)", medianMillis(flotctlOpts, List.of("version")), "ms", "",
                        "median of 5 runs of the whole process; JVM: " + flotctlOpts).grows("flotctl version (JVM floor)", Figure.Basis.NONE));
                report.add(new Figure("flotctl list-machines (" + m + " machines)", medianMillis(flotctlOpts,
                        List.of(endpoint, "list-machines", "--no-legend")), "ms", "", "median of 5, over flotd's unix socket")
                        .grows("flotctl list-machines, new JVM", Figure.Basis.MACHINES));
            } finally {
                flotd.destroy(); // SIGTERM: flotd's clean shutdown
                if (!flotd.waitFor(30, TimeUnit.SECONDS)) {
                    flotd.destroyForcibly();
                }
                machines.forEach(MachinePresence::close);
            }
        }
    }

    private double medianMillis(String opts, List<String> args) throws IOException, InterruptedException {
        double[] runs = new double[5];
        for (int i = 0; i < runs.length; i++) {
            List<String> cmd = new ArrayList<>(java(opts));
            cmd.add("dev.flotilla.flotctl.FlotctlMain");
            cmd.addAll(args);
            long t = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("flotctl " + args + " failed");
            }
            runs[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(runs);
        return Math.round(runs[runs.length / 2]);
    }

    static List<String> java(String opts) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String o : opts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.add("-cp");
        // Under surefire java.class.path is its booter jar; the real test class path is here.
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        return cmd;
    }

    /** The default JVM options in packaging/src/bin/NAME ({@code ${FLOTD_JAVA_OPTS:-...}}). */
    static String scriptOpts(String name) {
        Path script = repoRoot().resolve("packaging/src/bin").resolve(name);
        try {
            Matcher mt = OPTS.matcher(Files.readString(script));
            if (!mt.find()) {
                throw new IllegalStateException(script + " has no ${" + name.toUpperCase() + "_JAVA_OPTS:-...} default");
            }
            return mt.group(2).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + script + ": " + e.getMessage(), e);
        }
    }

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("packaging/src/bin/flotd"))) {
                return p;
            }
        }
        throw new IllegalStateException("run the benchmarks inside the source tree (packaging/src/bin/flotd not found above "
                + Path.of("").toAbsolutePath() + ")");
    }

    /** Resident memory of a process, from /proc/PID/status. */
    record Rss(long rssKiB, long hwmKiB) {
        static Rss of(long pid) throws IOException {
            long rss = -1;
            long hwm = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                }
            }
            return new Rss(rss, hwm);
        }

        private static long kib(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }

        double rssMiB() {
            return Math.round(rssKiB / 102.4) / 10.0;
        }

        double hwmMiB() {
            return Math.round(hwmKiB / 102.4) / 10.0;
        }
    }
}
