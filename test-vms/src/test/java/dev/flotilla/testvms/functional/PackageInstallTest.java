package dev.flotilla.testvms.functional;

import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdProcess;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.testvms.ClusterException;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.PackageMachine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Debian package on a fresh machine, as an administrator uses it: dpkg -i, point the config
 * at etcd, systemctl start/reload/stop, flotctl over the socket from flotd.socket, dpkg --purge.
 * The machine (flt-pkg, test-vms/package-machine) sees this host's root and dpkg database through
 * a throwaway overlay, so dpkg checks the real dependencies and nothing reaches the host. etcd
 * runs on the host's loopback; the machine shares the host's network.
 */
@Tag("functional")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageInstallTest {
    private static final String IP = "127.0.0.60";
    /** Long, so that "left at once" cannot be the TTL expiring. */
    private static final int MACHINE_TTL = 10;
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static Path dir;
    private static EtcdProcess etcd;
    private static Registry registry;
    private static PackageMachine machine;
    private static String machineId;

    @BeforeAll
    static void up() throws IOException {
        Path deb = findDeb();
        dir = Path.of(System.getProperty("flotilla.package.dir", "target/flotilla-pkg")).toAbsolutePath();
        Path share = dir.resolve("share");
        Files.createDirectories(share);
        Files.copy(deb, share.resolve("flotilla.deb"), StandardCopyOption.REPLACE_EXISTING);
        deleteTree(dir.resolve("etcd-data"));
        try {
            etcd = EtcdProcess.startOnFreePorts(dir.resolve("etcd-data"), BOUND);
            registry = Registry.connect(EtcdConfig.of(etcd.clientUrl()));
            machine = PackageMachine.boot(dir.resolve("machine"), share + ":/srv/flotilla-test");
            machineId = machine.machineId();
        } catch (RuntimeException e) {
            down();
            throw e;
        }
    }

    @AfterAll
    static void down() {
        try {
            if (machine != null) {
                System.out.println("flotd's journal in flt-pkg:\n" + machine.flotdLog());
                machine.close();
            }
        } finally {
            machine = null;
            if (registry != null) {
                registry.close();
                registry = null;
            }
            if (etcd != null) {
                etcd.stop();
                etcd = null;
            }
            deleteTree(dir.resolve("etcd-data"));
        }
    }

    /** The .deb of this build: the only flotilla_*_all.deb in packaging/target. */
    private static Path findDeb() throws IOException {
        Path target = Path.of(System.getProperty("flotilla.deb.dir", "../packaging/target"));
        try (Stream<Path> files = Files.list(target)) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("flotilla_.*_all\\.deb")).toList();
            if (debs.size() != 1) {
                throw new ClusterException("expected one flotilla_*_all.deb in " + target.toAbsolutePath()
                        + ", found " + debs + " (build it: mvn -B -o package -DskipTests -pl packaging -am)");
            }
            return debs.get(0);
        }
    }

    private static CommandResult ok(String shellScript) {
        CommandResult r = machine.sh(shellScript);
        if (!r.ok()) {
            throw new AssertionError(shellScript + " failed: " + r + "\n--- flotd's journal\n" + machine.flotdLog());
        }
        return r;
    }

    private static String out(String shellScript) {
        return ok(shellScript).out();
    }

    private static Optional<Machine> registered() {
        return registry.machines().value().stream().filter(m -> m.id().equals(machineId)).findFirst();
    }

    private static String unitState() {
        return machine.sh("systemctl is-active flotd.service").out();
    }

    @Test
    @Order(1)
    void thePackageInstallsWithItsGroupUnitsConfigAndCommandsButStartsNothing() {
        CommandResult install = machine.exec("dpkg", "-i", "/srv/flotilla-test/flotilla.deb");
        install.requireOk("dpkg -i");
        assertEquals("install ok installed", out("dpkg-query -W -f '${Status}' flotilla"));
        assertTrue(out("getent group flotilla").startsWith("flotilla:x:"));
        assertEquals("/etc/flotilla/flotd.conf", out("dpkg-query -W -f '${Conffiles}' flotilla").split(" ")[0]);
        assertEquals("directory 750", out("stat -c '%F %a' /var/lib/flotilla"));
        assertEquals("/opt/flotilla/bin/flotd /opt/flotilla/bin/flotctl",
                out("readlink /usr/bin/flotd") + " " + out("readlink /usr/bin/flotctl"));
        ok("test -s /usr/share/bash-completion/completions/flotctl");
        assertTrue(out("flotd --help").contains("SIGHUP"));
        assertTrue(out("flotctl --help").contains("list-machines"));
        // A fresh install must not start flotd before the config names the cluster's etcd.
        assertEquals("disabled disabled", out("systemctl is-enabled flotd.service flotd.socket | xargs"));
        assertEquals("inactive", unitState());
        assertEquals(Optional.empty(), registered());
    }

    @Test
    @Order(2)
    void startReturnsOnceReadyAndTheMachineHasJoined() {
        // What an administrator adds to the shipped (all commented-out) config file.
        ok("cat >>/etc/flotilla/flotd.conf <<'EOF'\n"
                + "etcd_endpoints=" + etcd.clientUrl() + "\n"
                + "public_ip=" + IP + "\n"
                + "api_listen=" + IP + ":49153\n"
                + "api_insecure_loopback=true\n"
                + "metadata=role=test,az=a\n"
                + "machine_ttl=" + MACHINE_TTL + "\n"
                + "EOF");
        // A short watchdog to see it fed within the test (the unit ships 30 s).
        ok("mkdir -p /etc/systemd/system/flotd.service.d && printf '[Service]\\nWatchdogSec=5s\\n'"
                + " >/etc/systemd/system/flotd.service.d/watchdog.conf && systemctl daemon-reload");
        long t0 = System.nanoTime();
        // Type=notify: start returns only after READY=1, i.e. after the machine registered.
        ok("systemctl start flotd.service");
        System.out.printf("systemctl start flotd: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals("active", unitState());
        Machine m = registered().orElseThrow(() -> new AssertionError("not in etcd right after start\n" + machine.flotdLog()));
        assertEquals(IP, m.publicIp());
        assertEquals(Map.of("role", "test", "az", "a"), m.metadata());
        assertTrue(out("systemctl show -P StatusText flotd").contains("joined the cluster"));
        // api_insecure_loopback, the escape hatch for tests and single-host setups (the test cluster
        // uses TLS): the packaged daemon serves plain HTTP on its loopback address.
        assertEquals("200", out("curl -s -o /dev/null -w '%{http_code}' http://" + IP + ":49153/health"));
    }

    @Test
    @Order(3)
    void flotctlWorksOverTheSocketFromFlotdSocket() {
        assertEquals("active", out("systemctl is-active flotd.socket"));
        assertEquals("socket 660 root flotilla", out("stat -c '%F %a %U %G' /run/flotilla/flotd.sock"));
        String list = out("flotctl list-machines --full --no-legend");   // default endpoint: the socket
        assertEquals(machineId + "\t" + IP + "\taz=a,role=test", list);
        assertTrue(out("journalctl -u flotd --no-pager").contains("(socket from systemd)"), machine.flotdLog());
    }

    @Test
    @Order(4)
    void theWatchdogIsFed() {
        String first = out("systemctl show -P WatchdogTimestampMonotonic flotd");
        await().atMost(BOUND).until(() -> !out("systemctl show -P WatchdogTimestampMonotonic flotd").equals(first));
        String second = out("systemctl show -P WatchdogTimestampMonotonic flotd");
        await().atMost(BOUND).until(() -> !out("systemctl show -P WatchdogTimestampMonotonic flotd").equals(second));
        assertEquals("0", out("systemctl show -P NRestarts flotd"));
        assertEquals("active", unitState());
    }

    @Test
    @Order(5)
    void aHungDaemonIsRestartedByTheWatchdog() {
        // MainPID is 0 while systemd restarts the daemon; "kill -STOP 0" would stop this very shell.
        await().atMost(BOUND).until(() -> unitState().equals("active") && !out("systemctl show -P MainPID flotd").equals("0"));
        String pid = out("systemctl show -P MainPID flotd");
        int restartsBefore = Integer.parseInt(out("systemctl show -P NRestarts flotd"));
        ok("kill -STOP " + pid);
        await().atMost(BOUND).until(() -> Integer.parseInt(out("systemctl show -P NRestarts flotd")) > restartsBefore
                && unitState().equals("active"));
        assertTrue(!out("systemctl show -P MainPID flotd").equals(pid));
        assertTrue(out("journalctl -u flotd --no-pager").contains("Watchdog timeout"), machine.flotdLog());
        // The restarted daemon adopts its own registration (same session): still one machine.
        assertTrue(registered().isPresent());
        assertEquals(1, registry.machines().value().size());
    }

    @Test
    @Order(6)
    void reloadAnnouncesNewMetadataAndABadFileChangesNothing() {
        ok("sed -i 's/^metadata=.*/metadata=role=test,az=b,disk=ssd/' /etc/flotilla/flotd.conf");
        ok("systemctl reload flotd");
        await().atMost(BOUND).until(() -> registered().map(Machine::metadata),
                md -> md.equals(Optional.of(Map.of("role", "test", "az", "b", "disk", "ssd"))));

        ok("sed -i 's/^metadata=.*/metadata=role=test,broken/' /etc/flotilla/flotd.conf");
        ok("systemctl reload flotd");
        await().atMost(BOUND).until(() -> out("journalctl -u flotd --no-pager").contains("reload refused"));
        // Logged with its priority: journalctl -p err shows the error and not the info lines.
        String errors = out("journalctl -u flotd -p err --no-pager");
        assertTrue(errors.contains("reload refused") && !errors.contains("joined the cluster"), errors);
        assertEquals(Map.of("role", "test", "az", "b", "disk", "ssd"), registered().orElseThrow().metadata());
        assertEquals("active", unitState());
        ok("sed -i 's/^metadata=.*/metadata=role=test,az=b,disk=ssd/' /etc/flotilla/flotd.conf");
    }

    @Test
    @Order(7)
    void stopLeavesTheClusterAtOnceAndEndsInactive() {
        assertTrue(registered().isPresent());
        ok("systemctl stop flotd.service");
        // Far below the machine's TTL: only a deregistration explains it.
        await().atMost(Duration.ofSeconds(3)).until(() -> registered().isEmpty());
        assertEquals("inactive", unitState());
        assertEquals("success", out("systemctl show -P Result flotd"));
        assertTrue(out("journalctl -u flotd --no-pager -n 20").contains("machine deregistered"),
                "the log goes on to the end\n" + machine.flotdLog());
        // The socket belongs to flotd.socket: it stays for the next daemon.
        ok("test -S /run/flotilla/flotd.sock");
    }

    @Test
    @Order(8)
    void aConnectionToTheSocketStartsFlotd() {
        assertEquals("inactive", unitState());
        String list = out("flotctl --request-timeout=60 list-machines --full --no-legend --fields=machine");
        assertEquals(machineId, list);
        assertEquals("active", unitState());
        assertTrue(registered().isPresent());
    }

    @Test
    @Order(9)
    void purgeStopsFlotdAndRemovesEverything() {
        ok("dpkg --purge flotilla");
        await().atMost(Duration.ofSeconds(3)).until(() -> registered().isEmpty());
        ok("test ! -e /opt/flotilla && test ! -e /etc/flotilla && test ! -e /var/lib/flotilla"
                + " && test ! -e /usr/bin/flotctl && test ! -e /lib/systemd/system/flotd.service");
        assertTrue(machine.sh("systemctl is-active flotd.service flotd.socket").exitCode() != 0);
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
