package dev.flotilla.flotctl;

import dev.flotilla.api.server.ApiSecurity;
import dev.flotilla.api.server.ApiServer;
import dev.flotilla.api.server.UnitCommands;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * flotctl status/journal through the daemon of the unit's machine: asked through the local daemon
 * (unix socket), flotctl follows its 421 to the other daemon's advertised API URL. Real processes
 * stand in for systemctl/journalctl and say which daemon ran them.
 */
@Tag("etcd")
class StatusJournalTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final String A = "a".repeat(32);
    private static final String B = "b".repeat(32);

    @TempDir
    Path dir;
    private Registry registry;
    private ApiServer daemonA;
    private ApiServer daemonB;
    private MachinePresence machineA;
    private MachinePresence machineB;

    private static UnitCommands commandsOf(String daemon) {
        return new UnitCommands() {
            @Override
            public List<String> status(String unit) {
                return List.of("/bin/echo", "status of " + unit + " on " + daemon);
            }

            @Override
            public List<String> journal(String unit, int lines, boolean follow) {
                return List.of("/bin/echo", lines + " lines of " + unit + " on " + daemon + (follow ? ", following" : ""));
            }
        };
    }

    private ApiServer daemon(String name, String machineId) {
        return ApiServer.start(new ApiServer.Config(Optional.of(dir.resolve(name + ".sock")), Optional.empty(),
                        Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, ApiSecurity.insecureLoopbackOnly()),
                registry, () -> new ApiServer.Health(true, machineId, "ok"), List::of, commandsOf(name));
    }

    /** Where a daemon's TCP API answers, as flotd announces it in its machine record. */
    private static String url(ApiServer daemon) {
        return "http://127.0.0.1:" + daemon.tcpAddress().orElseThrow().getPort();
    }

    @BeforeEach
    void start() {
        registry = Registry.connect(etcd.newConfig());
        daemonA = daemon("a", A);
        daemonB = daemon("b", B);
        String urlB = url(daemonB);
        machineA = registry.register(new Machine(A, "127.0.0.1", Map.of(), "t",
                url(daemonA)), Duration.ofSeconds(30), "sa", Duration.ZERO);
        machineB = registry.register(new Machine(B, "127.0.0.1", Map.of(), "t", urlB), Duration.ofSeconds(30), "sb", Duration.ZERO);
        for (String u : List.of("local.service", "remote.service")) {
            registry.createUnit(new UnitRecord(u, "[Service]\nExecStart=/bin/true\n", "h", DesiredState.LAUNCHED));
        }
        registry.publishState(machineA, new UnitState(A, "local.service", "h", "loaded", "active", "running"));
        registry.publishState(machineB, new UnitState(B, "remote.service", "h", "loaded", "active", "running"));
    }

    @AfterEach
    void stop() {
        daemonA.close();
        daemonB.close();
        machineA.close();
        machineB.close();
        registry.close();
    }

    record Run(int exit, String out, String err) {
    }

    private Run flotctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        FlotctlMain main = new FlotctlMain();
        main.environment = Map.of();
        var cl = FlotctlMain.commandLine(main);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        all[0] = "--endpoint=unix://" + dir.resolve("a.sock");
        all[1] = "--request-timeout=30";
        System.arraycopy(args, 0, all, 2, args.length);
        return new Run(cl.execute(all), out.toString(), err.toString());
    }

    @Test
    void statusOfALocalUnitIsAnsweredByTheLocalDaemon() {
        Run r = flotctl("status", "local");
        assertEquals(0, r.exit(), r.err());
        assertEquals("status of local.service on a\n", r.out());
    }

    @Test
    void statusOfAUnitElsewhereIsAnsweredByItsMachinesDaemon() {
        Run r = flotctl("status", "remote.service");
        assertEquals(0, r.exit(), r.err());
        assertEquals("status of remote.service on b\n", r.out());
    }

    @Test
    void journalGoesToTheUnitsMachineToo() {
        Run r = flotctl("journal", "-n", "25", "-f", "remote");
        assertEquals(0, r.exit(), r.err());
        assertEquals("25 lines of remote.service on b, following\n", r.out());
    }

    @Test
    void aUnitNotInTheClusterIsAFailure() {
        Run r = flotctl("status", "sshd");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("unit sshd.service not found in the cluster"), r.err());
    }
}
