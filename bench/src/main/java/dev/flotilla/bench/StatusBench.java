package dev.flotilla.bench;

import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdProcess;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.flotilla.bench.EngineBench.awaitTrue;
import static dev.flotilla.bench.EngineBench.ms;

/**
 * {@code flotctl status UNIT} and {@code flotctl list-units} as new processes against a real
 * {@code flotd} (systemd=off) with every unit in etcd and a state published for each. A unit runs
 * on a machine whose daemon is elsewhere, so status goes the whole way: the local daemon's lookup
 * and 421 naming the unit's daemon, and the request to that daemon.
 * That daemon is the same flotd over TCP (the simulated machines advertise it), which answers 421
 * in turn: everything up to running {@code systemctl status} on the unit's machine is measured,
 * and that last step is not (it needs a machine booted with systemd).
 */
final class StatusBench {
    private static final String MACHINE_ID = "f107d000000000000000000000000002";

    private final EngineBench.Sizes sizes;
    private final Path workDir;
    private final FlotdBench.Jvm jvm;

    StatusBench(EngineBench.Sizes sizes, Path workDir, FlotdBench.Jvm jvm) {
        this.sizes = sizes;
        this.workDir = workDir;
        this.jvm = jvm;
    }

    void run(Report report) throws Exception {
        int n = sizes.units();
        // flotd's own machine and the simulated ones: status looks the unit up on every machine but its own.
        int simulated = Math.max(1, sizes.machines() - 1);
        String flotdOpts = jvm.flotdOpts().orElseGet(() -> FlotdBench.scriptOpts("flotd"));
        String flotctlOpts = jvm.flotctlOpts().orElseGet(() -> FlotdBench.scriptOpts("flotctl"));
        Path dir = Files.createDirectories(workDir.resolve("status"));
        Files.writeString(dir.resolve("machine-id"), MACHINE_ID + "\n");
        Files.writeString(dir.resolve("none.conf"), "# every setting is a flag\n");
        Path socket = dir.resolve("flotd.sock");
        int port = freePort();
        String apiUrl = "http://127.0.0.1:" + port;
        try (EtcdProcess etcd = EtcdProcess.startOnFreePorts(workDir.resolve("etcd-status"), Duration.ofSeconds(30));
             Registry users = Registry.connect(EtcdConfig.of(etcd.clientUrl()))) {
            List<String> cmd = new ArrayList<>(FlotdBench.java(flotdOpts));
            cmd.addAll(List.of("dev.flotilla.flotd.FlotdMain", "--config=" + dir.resolve("none.conf"),
                    "--etcd-endpoints=" + etcd.clientUrl(), "--systemd=off", "--machine-id-file=" + dir.resolve("machine-id"),
                    "--state-dir=" + dir.resolve("state"), "--api-socket=" + socket, "--unit-dir=" + dir.resolve("units"),
                    "--api-listen=127.0.0.1:" + port, "--api-insecure-loopback=true",
                    "--public-ip=127.0.0.1", "--log-level=warn"));
            Process flotd = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("flotd.log").toFile()).start();
            List<MachinePresence> machines = new ArrayList<>();
            try {
                awaitTrue("flotd serves its API", Duration.ofSeconds(60), () -> {
                    if (!flotd.isAlive()) {
                        throw new IllegalStateException("flotd exited with " + flotd.exitValue() + "; see " + dir.resolve("flotd.log"));
                    }
                    return users.machines().value().size() == 1 && Files.exists(socket);
                });
                for (int i = 0; i < simulated; i++) {
                    machines.add(users.register(new Machine(String.format("57a7%028d", i), "127.0.0.1", Map.of(), "bench",
                            apiUrl), Duration.ofSeconds(60), "status-bench-" + i, Duration.ZERO));
                }
                // Submitted, not launched: the engine leaves them alone; the simulated machines report them in turn.
                List<UnitRecord> units = SimulatedCluster.units(n, DesiredState.INACTIVE);
                long t0 = System.nanoTime();
                users.createUnits(units);
                double createMs = ms(System.nanoTime() - t0);
                for (int i = 0; i < simulated; i++) {
                    MachinePresence p = machines.get(i);
                    List<UnitState> states = new ArrayList<>();
                    for (int u = i; u < n; u += simulated) {
                        states.add(new UnitState(p.machine().id(), units.get(u).name(), units.get(u).hash(), "loaded",
                                "active", "running"));
                    }
                    users.publishStates(p, states);
                }
                report.add(new Figure("createUnits of " + n + " units (registry batch)", createMs, "ms", "",
                        "Registry.createUnits: transactions of <= 100 operations, 8 in flight")
                        .grows("Registry.createUnits (batch)", Figure.Basis.UNITS));

                String endpoint = "--endpoint=unix://" + socket;
                report.add(new Figure("flotctl version (the floor of the two below)",
                        medianMillis(flotctlOpts, List.of("version"), 0, ""), "ms", "",
                        "new JVM, median of 5, same load as the two below"));
                // The daemon's first listing starts its mirror of states and reads etcd; later ones use the mirror.
                report.add(new Figure("flotctl list-units, the daemon's first (" + n + " states, read from etcd)",
                        millis(flotctlOpts, List.of(endpoint, "list-units", "--no-legend"), 0, "", 1), "ms", "",
                        "new JVM, one run: the listing that starts the daemon's mirror of states goes to etcd")
                        .grows("flotctl list-units, daemon's first", Figure.Basis.UNITS));
                String target = units.get(n / 2).name();
                report.add(new Figure("flotctl status UNIT up to the unit's daemon (" + n + " units, " + (simulated + 1) + " machines)",
                        medianMillis(flotctlOpts, List.of(endpoint, "status", target), 1, "runs on machine"), "ms", "< 1,000",
                        "new JVM, median of 5: lookup + 421 (naming the unit's daemon) on the local daemon, then the "
                                + "request to that daemon (which answers 421 here: systemctl cannot run on this host)")
                        .grows("flotctl status UNIT, new JVM", Figure.Basis.UNITS));
                report.add(new Figure("flotctl list-units (" + n + " units, " + n + " states)",
                        medianMillis(flotctlOpts, List.of(endpoint, "list-units", "--no-legend"), 0, ""), "ms", "< 1,000",
                        "new JVM, median of 5, over flotd's unix socket, from the daemon's mirror; JVM: " + flotctlOpts)
                        .grows("flotctl list-units, new JVM", Figure.Basis.UNITS));
                // What the real fleetctl's list-units and list-unit-files do: fleet's API, page by page.
                try (dev.flotilla.api.FlotillaClient fleet = dev.flotilla.api.FlotillaClient.connect(
                        dev.flotilla.api.Endpoint.parse("unix://" + socket), Duration.ofSeconds(60))) {
                    long f0 = System.nanoTime();
                    int states = fleet.unitStates("", "").size();
                    double statesMs = ms(System.nanoTime() - f0);
                    long f1 = System.nanoTime();
                    int listed = fleet.units().size();
                    double unitsMs = ms(System.nanoTime() - f1);
                    if (states != n || listed != n) {
                        throw new IllegalStateException("fleet's API listed " + states + " states and " + listed + " units of " + n);
                    }
                    report.add(new Figure("fleet API: every page of GET /fleet/v1/state (" + n + " states)", statesMs, "ms", "",
                            "100 per page, as the real fleetctl list-units reads them; one client, over the unix socket")
                            .grows("fleet API: all pages of /fleet/v1/state", Figure.Basis.UNITS));
                    report.add(new Figure("fleet API: every page of GET /fleet/v1/units (" + n + " units)", unitsMs, "ms", "",
                            "100 per page, as the real fleetctl list-unit-files reads them; where each unit runs from the daemon's mirror of assignments")
                            .grows("fleet API: all pages of /fleet/v1/units", Figure.Basis.UNITS));
                }
            } finally {
                flotd.destroy(); // SIGTERM: flotd's clean shutdown
                if (!flotd.waitFor(30, TimeUnit.SECONDS)) {
                    flotd.destroyForcibly();
                }
                machines.forEach(MachinePresence::close);
            }
        }
    }

    /** Median wall time of 5 runs of a new flotctl process, each checked for its exit code and output. */
    private double medianMillis(String opts, List<String> args, int exitCode, String mustSay)
            throws IOException, InterruptedException {
        return millis(opts, args, exitCode, mustSay, 5);
    }

    /** Median wall time of {@code times} runs of a new flotctl process, each checked for its exit code and output. */
    private double millis(String opts, List<String> args, int exitCode, String mustSay, int times)
            throws IOException, InterruptedException {
        double[] runs = new double[times];
        for (int i = 0; i < runs.length; i++) {
            List<String> cmd = new ArrayList<>(FlotdBench.java(opts));
            cmd.add("dev.flotilla.flotctl.FlotctlMain");
            cmd.addAll(args);
            Path output = workDir.resolve("flotctl.out");
            long t = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("flotctl " + args + " did not finish in 60 s");
            }
            runs[i] = (System.nanoTime() - t) / 1e6;
            String said = Files.readString(output);
            if (p.exitValue() != exitCode || !said.contains(mustSay)) {
                throw new IllegalStateException("flotctl " + args + " exited " + p.exitValue() + ": "
                        + said.substring(0, Math.min(500, said.length())));
            }
        }
        Arrays.sort(runs);
        return Math.round(runs[runs.length / 2]);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
