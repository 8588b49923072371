package dev.flotilla.systemd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.bin.EmbeddedDBusDaemon;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flotilla.systemd.dbus.EnableResult;
import dev.flotilla.systemd.dbus.Manager;
import dev.flotilla.systemd.dbus.UnitFileChange;
import dev.flotilla.systemd.dbus.UnitInfo;

/**
 * The reconnecting session against a bus of our own (dbus-java's embedded daemon) with a stand-in
 * for systemd on it: the bus going away and coming back, and systemd getting a new bus name. The
 * real thing is RealSystemdTest (daemon-reexec in an nspawn machine); this runs anywhere.
 */
class ReconnectOnEmbeddedBusTest {

    @TempDir
    Path dir;
    private String address;
    private EmbeddedDBusDaemon daemon;
    private DBusConnection systemd;
    private Systemd client;

    /** Answers Version, Subscribe and ListUnitsByNames; everything else is not needed here. */
    public static final class FakeManager implements Manager, Properties {
        final AtomicInteger subscribes = new AtomicInteger();

        @Override
        public String getObjectPath() {
            return Manager.PATH;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <A> A Get(String iface, String property) {
            return (A) "252-fake";
        }

        @Override
        public <A> void Set(String iface, String property, A value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return Map.of("Version", new Variant<>("252-fake"));
        }

        @Override
        public List<UnitInfo> ListUnitsByNames(List<String> names) {
            return names.stream().map(n -> new UnitInfo(n, "", "loaded", "active", "running", "",
                    new DBusPath(UnitPaths.path(n)), new UInt32(0), "", new DBusPath("/"))).toList();
        }

        @Override
        public void Subscribe() {
            subscribes.incrementAndGet();
        }

        @Override
        public List<UnitInfo> ListUnits() {
            throw new UnsupportedOperationException();
        }

        @Override
        public DBusPath GetUnit(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DBusPath LoadUnit(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DBusPath StartUnit(String name, String mode) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DBusPath StopUnit(String name, String mode) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DBusPath RestartUnit(String name, String mode) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void ResetFailedUnit(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void Reload() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<UnitFileChange> LinkUnitFiles(List<String> files, boolean runtime, boolean force) {
            throw new UnsupportedOperationException();
        }

        @Override
        public EnableResult<Boolean, List<UnitFileChange>> EnableUnitFiles(List<String> files, boolean runtime, boolean force) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<UnitFileChange> DisableUnitFiles(List<String> files, boolean runtime) {
            throw new UnsupportedOperationException();
        }
    }

    /** Records what the client tells its listeners. */
    static final class Recorder implements UnitStateListener {
        final ConcurrentLinkedQueue<SystemdConnectionState> states = new ConcurrentLinkedQueue<>();
        final AtomicInteger resyncs = new AtomicInteger();

        @Override
        public void changed(String name, UnitStatus status) {
        }

        @Override
        public void resync() {
            resyncs.incrementAndGet();
        }

        @Override
        public void connectionChanged(SystemdConnectionState state) {
            states.add(state);
        }
    }

    private void startBus() throws Exception {
        daemon = new EmbeddedDBusDaemon(address + ",listen=true"); // the server side of the same socket
        daemon.startInBackgroundAndWait(30_000);
    }

    private FakeManager startSystemd() throws Exception {
        FakeManager m = new FakeManager();
        systemd = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        systemd.exportObject(Manager.PATH, m);
        systemd.requestBusName(Manager.BUS_NAME);
        return m;
    }

    private Systemd connect() {
        client = Systemd.connect(RealSystemd.OPTIONS.withTransport(Transport.SYSTEM_BUS).withSystemBusAddress(address)
                .withAwaitReconnect(Duration.ofSeconds(30)));
        return client;
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (systemd != null) {
            systemd.disconnect();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void theBusGoingAwayAndComingBackIsReconnectingThenConnectedAndAResync() throws Exception {
        address = "unix:path=" + dir.resolve("bus");
        startBus();
        FakeManager first = startSystemd();
        Systemd sd = connect();
        Recorder rec = new Recorder();
        sd.watch(rec);
        assertInstanceOf(SystemdConnectionState.Connected.class, sd.connectionState());
        assertEquals(1, first.subscribes.get());
        assertEquals("running", sd.status("a.service").subState());

        systemd.disconnect();
        systemd = null;
        daemon.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> sd.connectionState() instanceof SystemdConnectionState.Reconnecting);
        SystemdConnectionState.Reconnecting lost = (SystemdConnectionState.Reconnecting) sd.connectionState();
        await().atMost(Duration.ofSeconds(30)).until(() -> rec.states.contains(lost));

        startBus();
        FakeManager second = startSystemd();
        await().atMost(Duration.ofSeconds(60)).until(() -> sd.connectionState() instanceof SystemdConnectionState.Connected
                && rec.resyncs.get() == 1);
        assertEquals(1, second.subscribes.get(), "subscribed on the new connection");
        assertEquals(List.of(lost, sd.connectionState()), List.copyOf(rec.states));
        assertEquals("running", sd.status("b.service").subState(), "calls go through again");

        sd.close();
        assertInstanceOf(SystemdConnectionState.Closed.class, sd.connectionState());
        assertInstanceOf(SystemdConnectionState.Closed.class, List.copyOf(rec.states).get(2), "closed is told too");
    }

    @Test
    void systemdGettingANewBusNameIsAResyncOnTheSameConnection() throws Exception {
        address = "unix:path=" + dir.resolve("bus");
        startBus();
        startSystemd();
        Systemd sd = connect();
        Recorder rec = new Recorder();
        sd.watch(rec);
        SystemdConnectionState before = sd.connectionState();

        systemd.disconnect(); // as systemd re-executing on the bus: a new owner of its name
        FakeManager again = startSystemd();
        await().atMost(Duration.ofSeconds(30)).until(() -> rec.resyncs.get() == 1 && again.subscribes.get() == 1);
        assertEquals(before, sd.connectionState(), "the connection itself stayed");
        assertTrue(rec.states.isEmpty(), "no connection change to tell: " + rec.states);
        assertEquals("running", sd.status("c.service").subState());
    }
}
