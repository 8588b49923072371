package dev.flotilla.systemd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.freedesktop.dbus.connections.AbstractConnection;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.connections.impl.DirectConnection;
import org.freedesktop.dbus.connections.impl.DirectConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.CallbackHandler;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.Variant;
import org.freedesktop.systemd1.AlreadySubscribed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.systemd.dbus.Manager;

/**
 * One D-Bus connection to systemd. A new Session (with a new generation number) replaces it after
 * the connection drops; callbacks from an old Session are ignored by checking {@link #isAlive()}.
 */
final class Session {

    /**
     * The unit and job signals of a Session. Called on dbus-java threads: must stay cheap. Signals
     * come from ONE signal thread per connection (set explicitly below), hence in systemd's order,
     * which the reload-burst and dedup logic rely on.
     */
    interface Signals {
        void jobRemoved(Session s, String unit, String jobPath, String result);

        void unitRemoved(Session s, String unit);

        void reloading(Session s, boolean active);

        /** @param sinceMicros the StateChangeTimestamp in the signal, or null */
        void unitPropertiesChanged(Session s, String unit, String activeState, String subState, Long sinceMicros);

        /** A service's NRestarts, from its Service interface's PropertiesChanged (sent before the Unit one). */
        void serviceRestarts(Session s, String unit, int restarts);
    }

    /** What befalls the connection itself. Called on dbus-java threads: must stay cheap. */
    interface Link {
        /** System bus only: org.freedesktop.systemd1 got a new owner (systemd re-executed or restarted). */
        void systemdRestarted(Session s);

        void disconnected(Session s, String cause);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final String UNIT_IFACE = "org.freedesktop.systemd1.Unit";
    private static final String SERVICE_IFACE = "org.freedesktop.systemd1.Service";

    final long generation;
    final Transport transport;
    final Manager manager;
    /** Bounds pipelined job calls on this connection. A new connection starts with fresh permits. */
    final Semaphore permits;
    private final AbstractConnection connection;
    private final String busName;
    private final Signals listener;
    private final Link link;
    private final List<AutoCloseable> handlers = new ArrayList<>();
    private volatile boolean alive = true;

    private Session(long generation, Transport transport, AbstractConnection connection, String busName,
            Manager manager, int maxInFlight, Signals listener, Link link) {
        this.generation = generation;
        this.transport = transport;
        this.connection = connection;
        this.busName = busName;
        this.manager = manager;
        this.permits = new Semaphore(maxInFlight);
        this.listener = listener;
        this.link = link;
    }

    /** Connects, registers the signal handlers and (on the bus) subscribes. Fails fast. */
    static Session open(long generation, Transport transport, SystemdOptions options, Signals listener, Link link)
            throws DBusException {
        DisconnectRelay relay = new DisconnectRelay();
        int timeout = (int) options.connectTimeout().toMillis();
        AbstractConnection conn;
        Manager manager;
        String busName;
        switch (transport) {
            case PRIVATE_SOCKET -> {
                // A peer connection to PID 1: no Hello, no bus name (DBusConnectionBuilder would send Hello).
                DirectConnection dc = DirectConnectionBuilder.forAddress("unix:path=" + options.privateSocket())
                        .receivingThreadConfig().withSignalThreadCount(1).connectionConfig()
                        .withDisconnectCallback(relay)
                        .withImportWeakReferences(true)
                        .transportConfig().withTimeout(timeout).back()
                        .build();
                conn = dc;
                busName = null;
                manager = dc.getRemoteObject(Manager.PATH, Manager.class);
            }
            case SYSTEM_BUS -> {
                DBusConnectionBuilder b = options.systemBusAddress() == null
                        ? DBusConnectionBuilder.forSystemBus()
                        : DBusConnectionBuilder.forAddress(options.systemBusAddress());
                // Not shared: dbus-java would otherwise hand every caller one reference-counted instance.
                DBusConnection bc = b.withShared(false)
                        .receivingThreadConfig().withSignalThreadCount(1).connectionConfig()
                        .withDisconnectCallback(relay)
                        .withImportWeakReferences(true)
                        .transportConfig().withTimeout(timeout).back()
                        .build();
                conn = bc;
                busName = Manager.BUS_NAME;
                manager = bc.getRemoteObject(Manager.BUS_NAME, Manager.PATH, Manager.class);
            }
            default -> throw new IllegalArgumentException("not a concrete transport: " + transport);
        }
        Session s = new Session(generation, transport, conn, busName, manager, options.maxInFlight(), listener, link);
        relay.session = s;
        try {
            s.registerHandlers();
            if (busName != null) {
                s.subscribe();
            }
            // A first call proves that systemd answers, not just that a socket accepted us.
            s.version();
        } catch (DBusException | RuntimeException e) {
            s.close();
            throw e;
        }
        if (relay.lostBeforeReady != null) {
            s.close();
            throw new DBusException("connection dropped while connecting: " + relay.lostBeforeReady);
        }
        return s;
    }

    boolean isAlive() {
        return alive && connection.isConnected();
    }

    String version() {
        return String.valueOf(properties(Manager.PATH).<Object>Get("org.freedesktop.systemd1.Manager", "Version"));
    }

    /** The stock Properties interface on a unit (or the manager) path. Get loads a unit on demand. */
    Properties properties(String path) {
        try {
            return busName == null
                    ? ((DirectConnection) connection).getRemoteObject(path, Properties.class)
                    : ((DBusConnection) connection).getRemoteObject(busName, path, Properties.class);
        } catch (DBusException e) {
            throw new org.freedesktop.dbus.exceptions.DBusExecutionException("no proxy for " + path + ": " + e.getMessage(), e);
        }
    }

    /** Sends a Manager method call without waiting; the reply goes to {@code callback} on a dbus-java thread. */
    <A> void callAsync(String method, CallbackHandler<A> callback, Object... args) {
        connection.callWithCallback(manager, method, callback, args);
    }

    /** Waits for a permit while this connection lives; false if it died meanwhile. */
    boolean acquirePermit() throws InterruptedException {
        while (!permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
            if (!isAlive()) {
                return false;
            }
        }
        return true;
    }

    void subscribe() {
        try {
            manager.Subscribe();
        } catch (AlreadySubscribed e) {
            // systemd kept our subscription across its re-exec
        }
    }

    void markDead() {
        alive = false;
    }

    void close() {
        alive = false;
        for (AutoCloseable h : handlers) {
            try {
                h.close();
            } catch (Exception e) {
                LOG.trace("removing a signal handler failed", e);
            }
        }
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing the systemd connection failed", e);
        }
    }

    private void registerHandlers() throws DBusException {
        // No sender in the rules: systemd's unique name changes when it re-executes (notes), and the
        // private socket has no bus names at all.
        add(rule(Manager.JobRemoved.class).withPath(Manager.PATH).build(), (Manager.JobRemoved s) -> {
            if (alive) {
                listener.jobRemoved(this, s.unit(), s.job().getPath(), s.result());
            }
        });
        add(rule(Manager.UnitRemoved.class).withPath(Manager.PATH).build(), (Manager.UnitRemoved s) -> {
            if (alive) {
                listener.unitRemoved(this, s.unitName());
            }
        });
        add(rule(Manager.Reloading.class).withPath(Manager.PATH).build(), (Manager.Reloading s) -> {
            if (alive) {
                listener.reloading(this, s.active());
            }
        });
        // Only the Unit interface's PropertiesChanged carries ActiveState/SubState (and the
        // StateChangeTimestamp); of the per-type ones that systemd sends just before it, only the
        // Service interface's is heard (its arg0 rule), for NRestarts: no extra call per change.
        add(rule(Properties.PropertiesChanged.class).withPathNamespace("/org/freedesktop/systemd1/unit")
                .withArg0123(0, UNIT_IFACE).build(), (Properties.PropertiesChanged s) -> {
                    if (alive && UNIT_IFACE.equals(s.getInterfaceName())) {
                        UnitPaths.unitName(s.getPath()).ifPresent(name -> {
                            Map<String, Variant<?>> changed = s.getPropertiesChanged();
                            listener.unitPropertiesChanged(this, name, string(changed.get("ActiveState")),
                                    string(changed.get("SubState")), number(changed.get("StateChangeTimestamp")));
                        });
                    }
                });
        add(rule(Properties.PropertiesChanged.class).withPathNamespace("/org/freedesktop/systemd1/unit")
                .withArg0123(0, SERVICE_IFACE).build(), (Properties.PropertiesChanged s) -> {
                    if (alive && SERVICE_IFACE.equals(s.getInterfaceName())) {
                        Long n = number(s.getPropertiesChanged().get("NRestarts"));
                        if (n != null) {
                            UnitPaths.unitName(s.getPath()).ifPresent(name -> listener.serviceRestarts(this, name, n.intValue()));
                        }
                    }
                });
        if (busName != null) {
            add(rule(DBus.NameOwnerChanged.class).withArg0123(0, busName).build(), (DBus.NameOwnerChanged s) -> {
                if (alive && s.newOwner != null && !s.newOwner.isEmpty()) {
                    link.systemdRestarted(this);
                }
            });
        }
    }

    private static DBusMatchRuleBuilder rule(Class<? extends DBusSignal> type) throws DBusException {
        return DBusMatchRuleBuilder.create().withType(type);
    }

    private <T extends DBusSignal> void add(DBusMatchRule rule, DBusSigHandler<T> handler) throws DBusException {
        handlers.add(connection.addSigHandler(rule, handler));
    }

    /** A D-Bus integer (dbus-java's UInt32/UInt64 are Numbers), or null. */
    private static Long number(Variant<?> v) {
        return v != null && v.getValue() instanceof Number n ? n.longValue() : null;
    }

    private static String string(Variant<?> v) {
        return v == null ? null : String.valueOf(v.getValue());
    }

    /** Forwards dbus-java's disconnect notice (given at build time, before the Session exists). */
    private static final class DisconnectRelay implements IDisconnectCallback {
        volatile Session session;
        volatile String lostBeforeReady;

        @Override
        public void disconnectOnError(IOException e) {
            lost(e == null ? "connection error" : e.toString());
        }

        @Override
        public void clientDisconnect() {
            lost("connection closed by systemd");
        }

        private void lost(String cause) {
            Session s = session;
            if (s == null) {
                lostBeforeReady = cause;
            } else if (s.alive) {
                s.link.disconnected(s, cause);
            }
        }
    }
}
