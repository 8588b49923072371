package dev.flotilla.flotd;

import dev.flotilla.flotctl.FlotctlMain;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.MachineIdConflictException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Daemons in this JVM against a real etcd, driven through flotctl's command line. */
@Tag("etcd")
class FlotdClusterTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    @TempDir
    Path dir;

    private final List<Flotd> daemons = new ArrayList<>();
    private final String prefix = "/t" + System.nanoTime() + "/";

    @AfterEach
    void stopAll() {
        daemons.forEach(Flotd::close);
    }

    private Flotd start(String name, String machineId, String metadata) throws Exception {
        return start(name, machineId, metadata, Map.of());
    }

    private Flotd start(String name, String machineId, String metadata, Map<String, String> more) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.writeString(home.resolve("machine-id"), machineId + "\n");
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "etcd_endpoints", etcd.endpoint(),
                "etcd_prefix", prefix,
                "machine_id_file", home.resolve("machine-id").toString(),
                "state_dir", home.resolve("state").toString(),
                "api_socket", home.resolve("api.sock").toString(),
                "api_listen", "127.0.0.1:0",
                "public_ip", "127.0.0.1" + daemons.size(),
                "metadata", metadata,
                "machine_ttl", "5", // flotd's default; nothing here waits for a lease to run out
                "systemd", "off")); // no systemd on the build host: these daemons register but run no units
        settings.put("api_insecure_loopback", "true");
        settings.putAll(more);
        FlotdConfig config = FlotdConfig.load(Optional.empty(), false, settings);
        Flotd d = new Flotd(config);
        daemons.add(d);
        d.start();
        return d;
    }

    private record Result(int exit, String out, String err) {
    }

    private Result flotctl(Flotd via, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = FlotctlMain.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("--request-timeout=30", "--endpoint",
                "http://127.0.0.1:" + via.apiTcpAddress().orElseThrow().getPort()));
        all.addAll(List.of(args));
        int exit = cl.execute(all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    private static String id(char c) {
        return String.valueOf(c).repeat(32);
    }

    @Test
    void listMachinesPrintsFleetsFormat() throws Exception {
        Flotd a = start("a", id('a'), "machine=m1,az=a");
        start("b", id('b'), "");

        Result r = flotctl(a, "list-machines");
        assertEquals(0, r.exit(), r.err());
        assertEquals("MACHINE\tIP\tMETADATA\n"
                + "aaaaaaaa...\t127.0.0.10\taz=a,machine=m1\n"
                + "bbbbbbbb...\t127.0.0.11\t-\n", r.out());

        Result full = flotctl(a, "list-machines", "--full", "--no-legend", "--fields", "ip,machine");
        assertEquals("127.0.0.10\t" + id('a') + "\n127.0.0.11\t" + id('b') + "\n", full.out());
    }

    private static String metrics(Flotd d) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + d.apiTcpAddress().orElseThrow().getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static double sample(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in\n" + text));
    }

    @Test
    void everyDaemonServesMetricsAndExactlyOneIsTheEngine() throws Exception {
        Flotd a = start("a", id('a'), "");
        Flotd b = start("b", id('b'), "");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String ma = metrics(a);
            String mb = metrics(b);
            assertEquals(1, sample(ma, "flotilla_engine_leader") + sample(mb, "flotilla_engine_leader"));
            String leader = sample(ma, "flotilla_engine_leader") == 1 ? ma : mb;
            String follower = leader == ma ? mb : ma;
            // Cluster-wide gauges come from the leader's daemon, the only one watching the whole cluster.
            assertEquals(2, sample(leader, "flotilla_machines"));
            assertFalse(follower.contains("flotilla_machines"), follower);
            assertTrue(sample(leader, "flotilla_engine_reconcile_passes_total") >= 1, leader);
            assertTrue(sample(leader, "flotilla_engine_leader_changes_total") >= 1, leader);
        });
        assertEquals(0, sample(metrics(a), "flotilla_etcd_errors_total{source=\"engine\"}"));
    }

    @Test
    void theClusterGaugesMoveWithTheEngine() throws Exception {
        Flotd a = start("a", id('a'), "");
        await().atMost(Duration.ofSeconds(30)).until(() -> sample(metrics(a), "flotilla_engine_leader") == 1);
        Flotd b = start("b", id('b'), "");
        await().atMost(Duration.ofSeconds(30)).until(() -> sample(metrics(a), "flotilla_machines") == 2);
        assertFalse(metrics(b).contains("flotilla_machines"));
        a.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String mb = metrics(b);
            return mb.contains("flotilla_machines ") && sample(mb, "flotilla_machines") == 1;
        });
        assertEquals(1, sample(metrics(b), "flotilla_engine_leader"));
    }

    @Test
    void aCleanlyStoppedDaemonLeavesTheListAtOnce() throws Exception {
        Flotd a = start("a", id('a'), "");
        Flotd b = start("b", id('b'), "");
        b.close();
        // No waiting: the stop revoked b's lease before close() returned.
        assertEquals(1, flotctl(a, "list-machines", "--no-legend").out().lines().count());
    }

    @Test
    void aSecondDaemonWithTheSameMachineIdIsRefused() throws Exception {
        Flotd a = start("a", id('a'), "");
        MachineIdConflictException e = assertThrows(MachineIdConflictException.class, () -> start("dup", id('a'), ""));
        assertTrue(e.getMessage().contains("already registered by another running daemon"), e.getMessage());
        assertEquals("aaaaaaaa...\t127.0.0.10\t-\n", flotctl(a, "list-machines", "--no-legend").out());
    }

    @Test
    void usageErrorsExitWith2AndUnreachableEndpointsWith1() throws Exception {
        Flotd a = start("a", id('a'), "");
        Result bad = flotctl(a, "list-machines", "--fields", "machine,colour");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown field 'colour'"), bad.err());

        var cl = FlotctlMain.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("--endpoint", "unix://" + dir.resolve("nothing.sock"), "list-machines");
        assertEquals(1, exit);
        assertTrue(err.toString().contains("cannot reach flotd"), err.toString());
    }

    @Test
    void withoutSystemdTheDaemonRefusesToStartAndSaysWhy() throws Exception {
        Assumptions.assumeFalse(Files.exists(Path.of("/run/systemd/private")) || Files.exists(Path.of("/run/dbus/system_bus_socket")),
                "this host runs systemd");
        Path home = Files.createDirectories(dir.resolve("nosd"));
        Files.writeString(home.resolve("machine-id"), id('c') + "\n");
        FlotdConfig config = FlotdConfig.load(Optional.empty(), false, Map.of(
                "etcd_endpoints", etcd.endpoint(),
                "etcd_prefix", prefix,
                "machine_id_file", home.resolve("machine-id").toString(),
                "state_dir", home.resolve("state").toString(),
                "api_socket", home.resolve("api.sock").toString(),
                "unit_dir", home.resolve("units").toString()));
        Flotd d = new Flotd(config);
        daemons.add(d);
        IllegalStateException e = assertThrows(IllegalStateException.class, d::start);
        assertTrue(e.getMessage().startsWith("cannot reach systemd"), e.getMessage());
        assertTrue(e.getMessage().contains("set systemd=off"), e.getMessage());
        try (Registry r = Registry.connect(EtcdConfig.of(etcd.endpoint()).withPrefix(prefix))) {
            assertEquals(List.of(), r.machines().value(), "nothing was registered");
        }
    }

    @Test
    void eachDaemonAnnouncesItsCapacitySetOutrightOrDetected() throws Exception {
        start("a", id('a'), "", Map.of("capacity_cpu", "2", "capacity_memory", "1536M"));
        start("b", id('b'), "", Map.of("reserved_memory", "0", "reserved_cpu", "0"));
        try (Registry r = Registry.connect(EtcdConfig.of(etcd.endpoint()).withPrefix(prefix))) {
            List<dev.flotilla.model.Machine> machines = r.machines().value();
            assertEquals(new dev.flotilla.model.Resources(2000, 1536L << 20), machines.get(0).capacity());
            CapacityProbe.Detected here = CapacityProbe.detect();
            assertEquals(new dev.flotilla.model.Resources(here.cpuMillis(), here.memoryBytes()), machines.get(1).capacity(),
                    "detected on this host: " + here);
        }
    }

    @Test
    void aUnitSubmittedThroughOneDaemonIsSeenThroughAnother() throws Exception {
        Flotd a = start("a", id('a'), "");
        Flotd b = start("b", id('b'), "");
        Path unit = Files.writeString(dir.resolve("web.service"), "[Unit]\nDescription=Web\n[Service]\nExecStart=/bin/true\n");
        Result submit = flotctl(a, "submit", unit.toString());
        assertEquals(0, submit.exit(), submit.err());
        assertEquals("Unit web.service inactive\n", submit.out());
        assertEquals("web.service\tinactive\tWeb\n", flotctl(b, "list-unit-files", "--no-legend", "--fields", "unit,dstate,desc").out());
        assertEquals(Files.readString(unit), flotctl(b, "cat", "web").out());
        assertEquals(0, flotctl(b, "destroy", "--no-block", "web").exit());
        assertEquals("", flotctl(a, "list-unit-files", "--no-legend").out());
    }

    @Test
    void theEngineLeaderIsOneOfTheMachines() throws Exception {
        Flotd a = start("a", id('a'), "");
        start("b", id('b'), "");
        await().atMost(Duration.ofSeconds(30)).until(() -> !flotctlEngine(a).isEmpty());
        assertTrue(List.of(id('a'), id('b')).contains(flotctlEngine(a)));
    }

    private static String flotctlEngine(Flotd via) {
        try (var client = dev.flotilla.api.FlotillaClient.connect(dev.flotilla.api.Endpoint.parse(
                "http://127.0.0.1:" + via.apiTcpAddress().orElseThrow().getPort()), Duration.ofSeconds(30))) {
            return client.engine().leader();
        }
    }
}
