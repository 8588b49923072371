package dev.flotilla.flotctl;

import dev.flotilla.api.Endpoint;
import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.server.ApiSecurity;
import dev.flotilla.api.server.ApiServer;
import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.LeaderElection;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures (prints, asserts nothing about time) list-units and list-unit-files over 10,000 units
 * created directly in a real etcd, each scheduled on one of 3 machines with a published state:
 * the API call alone, and the whole flotctl command in this JVM.
 * {@code mvn -pl cli -am test -Dtest=ListingBenchmark -Dflotilla.bench=true -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("etcd")
@EnabledIfSystemProperty(named = "flotilla.bench", matches = "true")
class ListingBenchmark {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final int UNITS = Integer.getInteger("flotilla.bench.units", 10_000);
    private static final int RUNS = 7;

    @TempDir
    Path dir;

    @Test
    void listTenThousandUnits() throws Exception {
        try (Registry registry = Registry.connect(etcd.newConfig())) {
            long t0 = System.nanoTime();
            List<MachinePresence> machines = new ArrayList<>();
            for (int m = 0; m < 3; m++) {
                String id = String.valueOf((char) ('a' + m)).repeat(32);
                machines.add(registry.register(new Machine(id, "127.0.0.1" + m, Map.of("az", "z" + m), "b"),
                        Duration.ofSeconds(60), "s" + m, Duration.ZERO));
            }
            List<UnitRecord> units = create(registry);
            schedule(registry, machines, units);
            System.out.printf("setup: %d units, assignments and states written in %.1f s%n", UNITS,
                    (System.nanoTime() - t0) / 1e9);

            ApiServer api = ApiServer.start(new ApiServer.Config(Optional.of(dir.resolve("api.sock")), Optional.empty(),
                    Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, ApiSecurity.insecureLoopbackOnly()), registry, () -> new ApiServer.Health(true, "b", "ok"));
            try (FlotillaClient client = FlotillaClient.connect(Endpoint.parse("unix://" + dir.resolve("api.sock")),
                    Duration.ofSeconds(60))) {
                double[] call = new double[RUNS];
                for (int i = 0; i < RUNS; i++) {
                    long s = System.nanoTime();
                    UnitListing l = client.listing();
                    call[i] = (System.nanoTime() - s) / 1e6;
                    assertEquals(UNITS, l.units().size());
                    assertEquals(UNITS, l.states().size());
                }
                report("API GET /flotilla/v1/units (unix socket)", call);
                for (String command : List.of("list-units", "list-unit-files")) {
                    double[] cli = new double[RUNS];
                    for (int i = 0; i < RUNS; i++) {
                        StringWriter out = new StringWriter();
                        var cl = FlotctlMain.commandLine();
                        cl.setOut(new PrintWriter(out));
                        cl.setErr(new PrintWriter(new StringWriter()));
                        long s = System.nanoTime();
                        int exit = cl.execute("--endpoint", "unix://" + dir.resolve("api.sock"), command);
                        cli[i] = (System.nanoTime() - s) / 1e6;
                        assertEquals(0, exit);
                        assertEquals(UNITS + 1, out.toString().lines().count());
                    }
                    report("flotctl " + command + " (in-process, new client each run)", cli);
                }
                for (String command : List.of("version", "list-units", "list-unit-files")) {
                    double[] jvm = new double[3];
                    for (int i = 0; i < jvm.length; i++) {
                        Path out = dir.resolve("out-" + command + i);
                        long s = System.nanoTime();
                        // The JVM options of packaging/src/bin/flotctl.
                        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx64m",
                                "-cp", System.getProperty("java.class.path"), FlotctlMain.class.getName(),
                                "--endpoint", "unix://" + dir.resolve("api.sock"), command)
                                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                        assertEquals(0, p.waitFor());
                        jvm[i] = (System.nanoTime() - s) / 1e6;
                        assertEquals(command.equals("version") ? 1 : UNITS + 1, java.nio.file.Files.readAllLines(out).size());
                    }
                    report("flotctl " + command + " (a new JVM, flotctl's options)", jvm);
                }
            } finally {
                api.close();
                machines.forEach(MachinePresence::close);
            }
        }
    }

    private static List<UnitRecord> create(Registry registry) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<UnitRecord>> futures = new ArrayList<>();
            for (int i = 0; i < UNITS; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    String name = String.format("app-%05d.service", n);
                    String text = "[Unit]\nDescription=Application " + n + "\nAfter=network.target\n\n[Service]\n"
                            + "ExecStart=/usr/bin/app --port=" + (10000 + n) + "\nRestart=always\n\n[X-Fleet]\n"
                            + (n % 100 == 0 ? "Global=true\n" : "Conflicts=app-%05d.service\n".formatted(n + 1));
                    UnitRecord u = new UnitRecord(name, text, UnitFile.parse(name, text).hash(), DesiredState.LAUNCHED);
                    registry.createUnit(u);
                    return u;
                }));
            }
            List<UnitRecord> units = new ArrayList<>();
            for (Future<UnitRecord> f : futures) {
                units.add(f.get());
            }
            return units;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void schedule(Registry registry, List<MachinePresence> machines, List<UnitRecord> units) {
        List<Long> fence = new CopyOnWriteArrayList<>();
        try (LeaderElection e = registry.leaderElection("bench", Duration.ofSeconds(60))) {
            e.start(l -> {
                if (l instanceof LeaderElection.Leadership.Gained g) {
                    fence.add(g.fencingRevision());
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> !fence.isEmpty());
            List<AssignmentChange> changes = new ArrayList<>();
            Map<MachinePresence, List<UnitState>> states = new HashMap<>();
            for (int i = 0; i < units.size(); i++) {
                UnitRecord u = units.get(i);
                MachinePresence p = machines.get(i % machines.size());
                changes.add(new AssignmentChange.Assign(new Assignment(p.machine().id(), u.name(), u.hash(), DesiredState.LAUNCHED)));
                states.computeIfAbsent(p, k -> new ArrayList<>())
                        .add(new UnitState(p.machine().id(), u.name(), u.hash(), "loaded", "active", "running"));
            }
            registry.applyAssignments(fence.get(0), changes);
            states.forEach(registry::publishStates);
        }
    }

    private static void report(String what, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf("%-55s first %6.0f ms, then min %5.0f / median %5.0f / max %5.0f ms (%d runs)%n", what, ms[0],
                sorted[0], median(Arrays.copyOfRange(ms, 1, ms.length)), sorted[sorted.length - 1], ms.length);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
