package dev.flotilla.agent;

import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Subscription;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.WatchEvent;
import dev.flotilla.systemd.RealSystemd;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.UnitStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent with the real systemd client against systemd 252, inside the flt-agent machine, with a
 * real etcd on the loopback; the test writes assignments as the fenced engine leader and checks with
 * systemctl and the registry. Units are named flt-* (and the example's web.socket / web@.service).
 * Figures are printed with the prefix "FIGURE".
 */
@RealSystemd
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentOnRealSystemdTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    static final Path UNIT_DIR = Path.of("/run/flotilla/units");
    static final Path RUNTIME = Path.of("/run/systemd/system");
    static final Duration T = Duration.ofSeconds(20);
    static final Path EXAMPLE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
            .resolve("../examples/socket-activated-container").normalize();

    static String me;
    static EtcdConfig config;
    static Systemd systemd;
    static Registry registry;
    static TestEngine engine;
    static DefaultAgent agent;
    /** Every state write of this machine as etcd delivers it, with the wall-clock time it arrived. */
    static final List<Heard> heard = Collections.synchronizedList(new ArrayList<>());
    static Subscription stateWatch;

    record Heard(UnitState state, long atNanosOfEpoch, boolean removed, String unit) {
    }

    @BeforeAll
    static void startAgent() throws IOException {
        me = Files.readString(Path.of("/etc/machine-id")).strip();
        config = etcd.newConfig();
        engine = new TestEngine(Registry.connect(config));
        stateWatch = engine.registry.watchStates(e -> {
            long now = epochNanos();
            if (e instanceof WatchEvent.Updated<UnitState> u) {
                heard.add(new Heard(u.value(), now, false, u.value().unit()));
            } else if (e instanceof WatchEvent.Removed<UnitState> r) {
                heard.add(new Heard(null, now, true, r.key().substring(r.key().indexOf('/') + 1)));
            }
        });
        systemd = Systemd.connect(RealSystemd.OPTIONS);
        registry = Registry.connect(config);
        AgentConfig ac = AgentConfig.of(new Machine(me, "127.0.0.70", Map.of("role", "test"), "test"), Duration.ofSeconds(5),
                "real-session", UNIT_DIR);
        agent = (DefaultAgent) Agent.create(ac, registry, systemd);
        agent.start();
    }

    @AfterAll
    static void stopAll() {
        if (agent != null) {
            agent.close();
        }
        if (stateWatch != null) {
            stateWatch.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (systemd != null) {
            systemd.close();
        }
    }

    static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static Optional<UnitState> published(String unit) {
        return engine.registry.unitStates(me).value().stream().filter(s -> s.unit().equals(unit)).findFirst();
    }

    static void awaitPublished(String unit, String active, String sub) {
        await().atMost(T).until(() -> published(unit).filter(s -> s.activeState().equals(active) && s.subState().equals(sub)).isPresent());
    }

    /** Waits for systemd to report the unit active; on timeout the message carries systemctl status. */
    static void awaitActive(String unit) {
        try {
            await().atMost(T).until(() -> "active".equals(isActive(unit)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(unit + " is not active:\n" + Sh.run("systemctl", "status", "--no-pager", "-l", unit).out()
                    + "\npublished: " + published(unit), e);
        }
    }

    /** What systemd said, without the start marker and the restart details (checked on their own). */
    static UnitState systemdPart(UnitState s) {
        return new UnitState(s.machineId(), s.unit(), s.hash(), s.loadState(), s.activeState(), s.subState());
    }

    static String isActive(String unit) {
        return Sh.run("systemctl", "is-active", unit).out();
    }

    static final String SLEEP = "[Service]\nExecStart=/bin/sleep infinity\n";

    @Test
    @Order(1)
    void anAssignedUnitRunsLinkedFromTheAgentsFolderAndItsStateIsPublished() throws IOException {
        String h = engine.place(me, "flt-a.service", SLEEP, DesiredState.LAUNCHED);
        await().atMost(T).until(() -> "active".equals(isActive("flt-a.service")));
        assertEquals("running", Sh.property("flt-a.service", "SubState"));
        assertEquals(UNIT_DIR.resolve("flt-a.service"), Files.readSymbolicLink(RUNTIME.resolve("flt-a.service")));
        assertEquals(SLEEP, Files.readString(UNIT_DIR.resolve("flt-a.service")));
        await().atMost(T).until(() -> published("flt-a.service").isPresent()
                && systemdPart(published("flt-a.service").get()).equals(new UnitState(me, "flt-a.service", h, "loaded", "active", "running")));
        assertTrue(published("flt-a.service").get().answers() > 0, "the state answers the assignment it follows");
        assertEquals(new UnitStatus("flt-a.service", "loaded", "active", "running"), systemd.status("flt-a.service"));
    }

    @Test
    @Order(2)
    void aStateChangeReachesTheRegistryQuickly() throws IOException {
        List<Long> micros = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String unit = "flt-exit" + i + ".service";
            Path go = Path.of("/run/flt-exit" + i + ".go");
            Path stamp = Path.of("/run/flt-exit" + i + ".ns");
            // The process writes its wall-clock time in ns right before it exits.
            engine.place(me, unit, "[Service]\nExecStart=/bin/sh -c 'while [ ! -e " + go + " ]; do sleep 0.02; done; date +%%s%%N > "
                    + stamp + "'\n", DesiredState.LAUNCHED);
            awaitPublished(unit, "active", "running");
            long released = epochNanos();
            Files.writeString(go, "");
            awaitPublished(unit, "inactive", "dead");
            long exited = Long.parseLong(Files.readString(stamp).strip());
            // the watch runs behind the registry read above: wait until it has delivered the write too
            await().atMost(T).until(() -> heardDeadSince(unit, released).isPresent());
            micros.add((heardDeadSince(unit, released).getAsLong() - exited) / 1000);
        }
        // the later units' passes came after each earlier exit: an agent restarting them would have by now
        for (int i = 1; i <= 4; i++) {
            assertEquals("inactive", isActive("flt-exit" + i + ".service"), "a unit that exited is not started again by the agent");
        }
        Collections.sort(micros);
        System.out.printf("FIGURE process exit -> state in etcd (seen by a watcher), 5 units: median %.1f ms, max %.1f ms, all %s us%n",
                micros.get(2) / 1000.0, micros.get(4) / 1000.0, micros);
        engine.unassign(me, "flt-exit1.service", "flt-exit2.service", "flt-exit3.service", "flt-exit4.service", "flt-exit5.service");
        await().atMost(T).until(() -> published("flt-exit5.service").isEmpty());
    }

    /** When the watch delivered the unit's first inactive/dead state after {@code since}. */
    static java.util.OptionalLong heardDeadSince(String unit, long since) {
        synchronized (heard) {
            return heard.stream().filter(h -> !h.removed() && h.unit().equals(unit) && "dead".equals(h.state().subState())
                    && h.atNanosOfEpoch() > since).mapToLong(Heard::atNanosOfEpoch).min();
        }
    }

    @Test
    @Order(3)
    void unassigningStopsTheUnitAndRemovesFileLinkAndState() {
        engine.unassign(me, "flt-a.service");
        await().atMost(T).until(() -> published("flt-a.service").isEmpty());
        assertEquals("inactive", isActive("flt-a.service"));
        assertFalse(Files.exists(RUNTIME.resolve("flt-a.service"), LinkOption.NOFOLLOW_LINKS), "runtime link gone");
        assertFalse(Files.exists(UNIT_DIR.resolve("flt-a.service")), "file gone");
        assertEquals("not-found", Sh.property("flt-a.service", "LoadState"));
    }

    @Test
    @Order(4)
    void aChangedHashRestartsTheUnitWithTheNewText() throws IOException {
        String one = "[Service]\nExecStart=/bin/sh -c 'echo one > /run/flt-c.out; exec sleep infinity'\n";
        String two = "[Service]\nExecStart=/bin/sh -c 'echo two > /run/flt-c.out; exec sleep infinity'\n";
        String h1 = engine.place(me, "flt-c.service", one, DesiredState.LAUNCHED);
        await().atMost(T).until(() -> published("flt-c.service").filter(s -> s.hash().equals(h1) && s.activeState().equals("active")).isPresent());
        String pid1 = Sh.property("flt-c.service", "MainPID");
        assertEquals("one", Files.readString(Path.of("/run/flt-c.out")).strip());

        String h2 = engine.place(me, "flt-c.service", two, DesiredState.LAUNCHED);
        await().atMost(T).until(() -> published("flt-c.service").filter(s -> s.hash().equals(h2) && s.activeState().equals("active")).isPresent());
        await().atMost(T).until(() -> "two".equals(Files.readString(Path.of("/run/flt-c.out")).strip()));
        assertNotEquals(pid1, Sh.property("flt-c.service", "MainPID"), "a new process runs the new text");
        assertEquals("no", Sh.property("flt-c.service", "NeedDaemonReload"));
        engine.unassign(me, "flt-c.service");
    }

    @Test
    @Order(5)
    void loadedInstallsWithoutStartingAndLaunchedStarts() {
        String h = engine.place(me, "flt-l.service", SLEEP, DesiredState.LOADED);
        await().atMost(T).until(() -> published("flt-l.service").isPresent());
        assertEquals(new UnitState(me, "flt-l.service", h, "loaded", "inactive", "dead"), systemdPart(published("flt-l.service").get()));
        assertTrue(published("flt-l.service").get().answers() > 0, "the state answers the assignment it follows");
        assertEquals("inactive", isActive("flt-l.service"));
        assertTrue(Files.exists(RUNTIME.resolve("flt-l.service"), LinkOption.NOFOLLOW_LINKS));

        engine.assign(me, "flt-l.service", h, DesiredState.LAUNCHED);
        awaitPublished("flt-l.service", "active", "running");
        assertEquals("active", isActive("flt-l.service"));

        engine.assign(me, "flt-l.service", h, DesiredState.LOADED);
        awaitPublished("flt-l.service", "inactive", "dead");
        assertTrue(Files.exists(RUNTIME.resolve("flt-l.service"), LinkOption.NOFOLLOW_LINKS), "a loaded unit stays linked");
        engine.unassign(me, "flt-l.service");
    }

    @Test
    @Order(6)
    void aUnitWithInstallWantedByPullsInItsSidekick() {
        engine.place(me, "flt-side.service", "[Unit]\nBindsTo=flt-main.service\n\n[Service]\nExecStart=/bin/sleep infinity\n\n"
                + "[Install]\nWantedBy=flt-main.service\n\n[X-Fleet]\nMachineOf=flt-main.service\n", DesiredState.LOADED);
        awaitPublished("flt-side.service", "inactive", "dead");
        assertTrue(Files.exists(RUNTIME.resolve("flt-main.service.wants/flt-side.service"), LinkOption.NOFOLLOW_LINKS),
                "enabled under /run");

        engine.place(me, "flt-main.service", SLEEP, DesiredState.LAUNCHED);
        awaitPublished("flt-main.service", "active", "running");
        awaitPublished("flt-side.service", "active", "running");
        assertEquals("active", isActive("flt-side.service"));

        // the loaded sidekick is not the agent's to stop: it goes with its main unit (BindsTo=)
        engine.unassign(me, "flt-main.service");
        awaitPublished("flt-side.service", "inactive", "dead");
        engine.unassign(me, "flt-side.service");
        await().atMost(T).until(() -> !Files.exists(RUNTIME.resolve("flt-main.service.wants/flt-side.service"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    @Order(7)
    void aGlobalUnitRunsWhereItsMetadataMatches() {
        // the other machines' unit first: once the later one runs, the agent has heard of both
        engine.submit("flt-global-prod.service", SLEEP + "\n[X-Fleet]\nGlobal=true\nMachineMetadata=role=prod\n", DesiredState.LAUNCHED);
        engine.submit("flt-global.service", SLEEP + "\n[X-Fleet]\nGlobal=true\nMachineMetadata=role=test\n", DesiredState.LAUNCHED);
        awaitPublished("flt-global.service", "active", "running");
        assertEquals("active", isActive("flt-global.service"));
        assertFalse(Files.exists(UNIT_DIR.resolve("flt-global-prod.service")));
        assertTrue(published("flt-global-prod.service").isEmpty());
        engine.registry.deleteUnit("flt-global.service");
        engine.registry.deleteUnit("flt-global-prod.service");
        await().atMost(T).until(() -> published("flt-global.service").isEmpty());
        assertEquals("inactive", isActive("flt-global.service"));
    }

    @Test
    @Order(8)
    void theSocketActivatedContainerExampleAnswersAConnection() throws Exception {
        Sh.ok(EXAMPLE.resolve("build-rootfs.sh").toString());
        String socket = Files.readString(EXAMPLE.resolve("web.socket"));
        String service = Files.readString(EXAMPLE.resolve("web@.service"));
        engine.place(me, "web.socket", socket, DesiredState.LAUNCHED);
        engine.place(me, "web@.service", service, DesiredState.LAUNCHED);

        awaitActive("web.socket");
        awaitPublished("web.socket", "active", "listening");
        // systemd can't load a template itself; once linked it is reported ready for its instances
        await().atMost(T).until(() -> published("web@.service").isPresent());
        UnitState template = published("web@.service").get();
        assertEquals(List.of("loaded", "inactive", "dead"), List.of(template.loadState(), template.activeState(), template.subState()));
        assertTrue(Files.exists(UNIT_DIR.resolve("web@.service")), "the template is installed for its instances");

        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.70", 18080), 5000);
            s.setSoTimeout(20_000);
            // systemd accepted the connection and started an instance of the template for it
            try {
                await().atMost(T).until(() -> !activeInstances().isEmpty());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no active instance of web@.service:\n"
                        + Sh.run("systemctl", "list-units", "--all", "--no-pager", "web*").out() + "\n"
                        + Sh.run("journalctl", "--no-pager", "-n", "40").out(), e);
            }
            String instance = activeInstances().get(0);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: 127.0.0.70\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(response.startsWith("HTTP/1.") && response.contains(" 200 "), response);
            assertTrue(response.contains("Hello from a socket-activated container run by Flotilla."), response);
            System.out.println("FIGURE connect -> whole page from a fresh nspawn container: " + ms + " ms (instance " + instance + ")");
        }
        assertEquals("1", Sh.property("web.socket", "NAccepted"));
        awaitPublished("web.socket", "active", "listening");
    }

    static List<String> activeInstances() {
        String out = Sh.run("systemctl", "list-units", "--state=active", "--no-legend", "--plain", "web@*.service").out();
        return out.lines().map(l -> l.split("\\s+")[0]).filter(n -> n.startsWith("web@")).toList();
    }

    @Test
    @Order(9)
    void aCleanShutdownStopsAndUnloadsEverythingAndDeregisters() throws Exception {
        engine.place(me, "flt-z.service", SLEEP, DesiredState.LAUNCHED);
        awaitPublished("flt-z.service", "active", "running");

        agent.close();

        assertEquals("inactive", isActive("flt-z.service"));
        assertEquals("inactive", isActive("web.socket"));
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.70", 18080), 2000);
            }
        });
        try (Stream<Path> left = Files.list(UNIT_DIR)) {
            assertEquals(List.of(), left.toList(), "the unit folder is empty");
        }
        try (Stream<Path> links = Files.list(RUNTIME)) {
            List<Path> ours = links.filter(p -> {
                try {
                    return Files.isSymbolicLink(p) && Files.readSymbolicLink(p).startsWith(UNIT_DIR);
                } catch (IOException e) {
                    return false;
                }
            }).toList();
            assertEquals(List.of(), ours, "no runtime link into the unit folder is left");
        }
        assertEquals(List.of(), engine.registry.unitStates(me).value());
        assertTrue(engine.registry.machines().value().stream().noneMatch(m -> m.id().equals(me)), "deregistered");
    }
}
