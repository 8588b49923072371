package dev.flotilla.flotctl;

import dev.flotilla.json.JsonValue;
import dev.flotilla.json.Json;
import dev.flotilla.api.server.ApiSecurity;
import dev.flotilla.api.server.ApiServer;
import dev.flotilla.api.server.SchedulingPass;
import dev.flotilla.engine.PassPreview;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.Resources;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.LeaderElection;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** flotctl plan and list-machines' resource columns, in-process, against the real API server, etcd and scheduler. */
@Tag("etcd")
class PlanCommandTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final String A = "a".repeat(32);
    private static final String B = "b".repeat(32);
    private static final String TEXT = "[Service]\nExecStart=/bin/sleep infinity\n";

    @TempDir
    Path dir;
    private Registry registry;
    private ApiServer api;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private long fence;

    @BeforeEach
    void start() {
        registry = Registry.connect(etcd.newConfig());
        SchedulingPass pass = (m, u, a) -> {
            PassPreview.Outcome o = PassPreview.pass(m, u, a);
            return new SchedulingPass.Outcome(o.machineOf(), o.waiting());
        };
        api = ApiServer.start(new ApiServer.Config(Optional.of(dir.resolve("api.sock")), Optional.empty(),
                        Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, ApiSecurity.insecureLoopbackOnly()), registry,
                () -> new ApiServer.Health(true, "t", "ok"), List::of, dev.flotilla.systemd.UnitInspector.systemd(), pass);
        machine(new Machine(A, "127.0.0.10", Map.of("az", "a"), "t").withCapacity(new Resources(4000, 1536L << 20)));
        machine(new Machine(B, "127.0.0.11", Map.of("az", "b"), "t"));
        List<Long> gained = new CopyOnWriteArrayList<>();
        LeaderElection e = registry.leaderElection("engine", Duration.ofSeconds(30));
        toClose.add(0, e);
        e.start(l -> {
            if (l instanceof LeaderElection.Leadership.Gained g) {
                gained.add(g.fencingRevision());
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> !gained.isEmpty());
        fence = gained.get(0);
    }

    private void machine(Machine m) {
        MachinePresence p = registry.register(m, Duration.ofSeconds(30), "s-" + m.id(), Duration.ZERO);
        toClose.add(0, p);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        api.close();
        registry.close();
    }

    /** A launched unit in the cluster, assigned to {@code machine} as the engine would. */
    private void running(String name, String text, String machine) {
        UnitRecord u = new UnitRecord(name, text, UnitFile.parse(name, text).hash(), DesiredState.LAUNCHED);
        registry.createUnits(List.of(u));
        assertTrue(registry.applyAssignments(fence, List.of(new AssignmentChange.Assign(new Assignment(machine, name, u.hash())))));
    }

    record Run(int exit, String out, String err) {
    }

    private Run flotctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        FlotctlMain main = new FlotctlMain();
        main.workingDir = dir;
        main.terminal = false;
        var cl = FlotctlMain.commandLine(main);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("--endpoint", "unix://" + dir.resolve("api.sock"), "--request-timeout=30"));
        all.addAll(List.of(args));
        return new Run(cl.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    @Test
    void aLocalFileIsPlacedAndAReplacedUnitMovesWithoutAnythingWritten() throws Exception {
        running("old.service", TEXT, A);
        running("other.service", TEXT, B);
        Files.writeString(dir.resolve("next.service"), TEXT + "[X-Fleet]\nReplaces=old.service\n");
        Files.writeString(dir.resolve("web.service"), TEXT);
        long revision = registry.revision();

        Run r = flotctl("plan", "next.service", "web");

        assertEquals(0, r.exit(), r.err());
        assertEquals("UNIT\tPLAN\n"
                + "next.service\tplace on aaaaaaaa.../127.0.0.10\n"
                + "web.service\tplace on aaaaaaaa.../127.0.0.10\n" // old moved to b, so a is the lighter
                + "old.service\tmove from aaaaaaaa.../127.0.0.10 to bbbbbbbb.../127.0.0.11\n", r.out());
        assertEquals(revision, registry.revision(), "plan writes nothing");
        assertTrue(registry.unit("next.service").isEmpty());
    }

    @Test
    void aUnitThatWouldWaitSaysWhyAndExitsThreeAndJsonIsThePlanReport() throws Exception {
        running("old.service", TEXT, A);
        Files.writeString(dir.resolve("ssd.service"), TEXT + "[X-Fleet]\nMachineMetadata=disk=ssd\n");

        Run r = flotctl("plan", "--no-legend", "ssd.service", "old.service");

        assertEquals(PlanCommand.SOME_WAIT, r.exit(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("ssd.service\twait: ") && lines[0].contains("disk"), r.out());
        assertEquals("old.service\tstay on aaaaaaaa.../127.0.0.10", lines[1]);

        Run json = flotctl("plan", "-o", "json", "ssd.service");
        assertEquals(PlanCommand.SOME_WAIT, json.exit(), json.err());
        JsonValue plan = Json.parse(json.out());
        assertEquals("wait", plan.path("units").path(0).path("verdict").asText());
        assertEquals("ssd.service", plan.path("units").path(0).path("name").asText());
        assertTrue(plan.path("affected").isArray());
    }

    @Test
    void anInvalidFileFailsWithItsLineAndAMissingUnitFails() throws Exception {
        Files.writeString(dir.resolve("bad.service"), "[Service]\nExecStart=/bin/true\nnot an option\n");
        Run bad = flotctl("plan", "bad.service");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("bad.service:3"), bad.err());

        Run missing = flotctl("plan", "nothing.service");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("nothing.service"), missing.err());
    }

    @Test
    void listMachinesShowsAllocatedOfCapacityAndUnitsAndADashWhereCapacityIsUnknown() {
        running("a.service", TEXT + "MemoryMax=512M\nCPUQuota=150%\n", A);
        running("b.service", TEXT + "MemoryMax=25%\n", A);
        running("c.service", TEXT + "MemoryMax=1G\n", B);

        Run r = flotctl("list-machines", "--fields=machine,cpu,memory,units");

        assertEquals(0, r.exit(), r.err());
        assertEquals("MACHINE\tCPU\tMEMORY\tUNITS\n"
                + "aaaaaaaa...\t1.5/4\t896M/1.5G\t2\n" // 512M + 25% of 1.5G
                + "bbbbbbbb...\t-\t-\t1\n", r.out());
    }

    @Test
    void sizesAndCpusReadLikeSystemdsOwn() {
        assertEquals("1.5G", ListMachinesCommand.size(1536L << 20));
        assertEquals("1G", ListMachinesCommand.size(1L << 30));
        assertEquals("512M", ListMachinesCommand.size(512L << 20));
        assertEquals("0", ListMachinesCommand.size(0));
        assertEquals("1.5", ListMachinesCommand.cpus(1500));
        assertEquals("0.25", ListMachinesCommand.cpus(250));
        assertEquals("4", ListMachinesCommand.cpus(4000));
    }
}
