package dev.flotilla.api.server;

import dev.flotilla.registry.Registry;
import dev.flotilla.systemd.ProcessUnitInspector;
import dev.flotilla.systemd.UnitInspector;
import dev.flotilla.api.Pem;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** The flotd HTTP API on a unix socket (mode 0660) and optionally TCP. */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    /**
     * @param unixSocket          path of the API socket, if any
     * @param socketGroup         group that may use the socket (mode 0660), if any
     * @param tcp                 TCP address (port 0 = any free port), if any
     * @param unixSocketInherited the unix socket is the listening socket this process inherited on
     *                            fd 0 ({@link System#inheritedChannel()}, e.g. systemd's socket
     *                            activation): it is served as it is, never bound, chmod-ed or removed
     */
    public record Config(Optional<Path> unixSocket, Optional<String> socketGroup, Optional<InetSocketAddress> tcp,
                         boolean unixSocketInherited, ApiSecurity security, ApiLimits limits) {
        public Config(Optional<Path> unixSocket, Optional<String> socketGroup, Optional<InetSocketAddress> tcp,
                      boolean unixSocketInherited, ApiSecurity security) {
            this(unixSocket, socketGroup, tcp, unixSocketInherited, security, ApiLimits.DEFAULTS);
        }

        public Config(Optional<Path> unixSocket, Optional<String> socketGroup, Optional<InetSocketAddress> tcp) {
            this(unixSocket, socketGroup, tcp, false, ApiSecurity.UNIX_ONLY);
        }

        public Config(Optional<Path> unixSocket, Optional<String> socketGroup, Optional<InetSocketAddress> tcp,
                      boolean unixSocketInherited) {
            this(unixSocket, socketGroup, tcp, unixSocketInherited, ApiSecurity.UNIX_ONLY);
        }

        public Config withSecurity(ApiSecurity newSecurity) {
            return new Config(unixSocket, socketGroup, tcp, unixSocketInherited, newSecurity, limits);
        }

        public Config withLimits(ApiLimits newLimits) {
            return new Config(unixSocket, socketGroup, tcp, unixSocketInherited, security, newLimits);
        }
    }

    /** What /health reports; unhealthy = 503. */
    public record Health(boolean healthy, String machineId, String detail) {
    }

    private final Server server;
    private final ServerConnector tcpConnector;
    private final InheritedUnixConnector inheritedConnector;
    private final Reads reads;
    private final ClusterCounts counts;
    private final EventsEndpoint events;
    private final UnitInspection inspection;
    private final BodyBudget bodies;
    private final Mirrors mirrors;

    /** The mirrors a daemon's listings read from. */
    private record Mirrors(Mirror<dev.flotilla.model.UnitState> states, Mirror<dev.flotilla.model.Assignment> assignments)
            implements AutoCloseable {
        @Override
        public void close() {
            states.close();
            assignments.close();
        }
    }

    private ApiServer(Server server, ServerConnector tcpConnector, InheritedUnixConnector inheritedConnector, Reads reads,
                      ClusterCounts counts, EventsEndpoint events, UnitInspection inspection, BodyBudget bodies,
                      Mirrors mirrors) {
        this.bodies = bodies;
        this.mirrors = mirrors;
        this.events = events;
        this.inspection = inspection;
        this.server = server;
        this.tcpConnector = tcpConnector;
        this.inheritedConnector = inheritedConnector;
        this.reads = reads;
        this.counts = counts;
    }

    public static ApiServer start(Config config, Registry registry, Supplier<Health> health) {
        return start(config, registry, health, List::of);
    }

    /** @param daemonMetrics the daemon's own figures for {@code /metrics} (engine), read at each scrape */
    public static ApiServer start(Config config, Registry registry, Supplier<Health> health,
                                  Supplier<List<Metric>> daemonMetrics) {
        return start(config, registry, health, daemonMetrics, UnitInspector.systemd());
    }

    /** @param unitCommands the commands that show a unit's status and journal on this machine */
    public static ApiServer start(Config config, Registry registry, Supplier<Health> health,
                                  Supplier<List<Metric>> daemonMetrics, UnitCommands unitCommands) {
        return start(config, registry, health, daemonMetrics,
                new ProcessUnitInspector(unitCommands::status, unitCommands::journal));
    }

    /** @param inspector what shows a unit's status and journal on this machine (closed with the server) */
    public static ApiServer start(Config config, Registry registry, Supplier<Health> health,
                                  Supplier<List<Metric>> daemonMetrics, UnitInspector inspector) {
        return start(config, registry, health, daemonMetrics, inspector, null);
    }

    /** @param pass the engine's pass for {@code POST /flotilla/v1/plan}; null: plans are answered 501 */
    public static ApiServer start(Config config, Registry registry, Supplier<Health> health,
                                  Supplier<List<Metric>> daemonMetrics, UnitInspector inspector, SchedulingPass pass) {
        if (config.tcp().isPresent()) {
            config.security().refusal(config.tcp().get()).ifPresent(why -> {
                throw new IllegalStateException(why);
            });
        }
        ClusterCounts counts = new ClusterCounts(registry);
        try {
            return startServer(config, registry, health, daemonMetrics, counts, inspector, pass);
        } catch (RuntimeException e) {
            counts.close();
            throw e;
        }
    }

    private static ApiServer startServer(Config config, Registry registry, Supplier<Health> health,
                                         Supplier<List<Metric>> daemonMetrics, ClusterCounts counts,
                                         UnitInspector inspector, SchedulingPass pass) {
        // Jetty's own threads only move bytes: accept, TLS, parsing, body reads, /health. Jetty hands
        // them every new connection too, so no handler may block on them, or a daemon whose handlers
        // all wait for etcd would stop accepting connections (ApiHandler, BusyClientsTest).
        QueuedThreadPool io = new QueuedThreadPool(16, 2);
        io.setName("flotilla-api-io");
        io.setDaemon(true);
        Server server = new Server(io);
        // Handlers, which may block on etcd, run here: 32 for requests and one each for the event
        // streams and followed journals (they block while following), for TCP; the unix socket
        // (flotctl on this machine) has a pool of its own, so TCP clients cannot take its threads.
        QueuedThreadPool tcpWork = workers("flotilla-api", 32);
        QueuedThreadPool localWork = workers("flotilla-api-local", 16);
        server.addBean(tcpWork);
        server.addBean(localWork);
        Reads reads = new Reads();
        // The daemon's mirrors for listings: started by the first, stopped after 5 idle minutes.
        Mirrors mirrors = new Mirrors(Mirror.states(registry, server.getScheduler(), Mirror.IDLE),
                Mirror.assignments(registry, server.getScheduler(), Mirror.IDLE));
        ApiStats stats = new ApiStats();
        EventsEndpoint events = new EventsEndpoint(registry);
        UnitInspection inspection = new UnitInspection(registry, () -> health.get().machineId(), inspector,
                config.limits());
        BodyBudget bodies = new BodyBudget(config.limits().bodyBytesInFlight());
        HeaderDeadline headers = new HeaderDeadline(server.getScheduler(), config.limits().requestDeadline());
        server.setHandler(new ApiHandler(registry, health, reads, new AccessGuard(config.security()), stats,
                new MetricsEndpoint(counts, stats, daemonMetrics, bodies), events, inspection, config.limits(), bodies,
                headers, tcpWork, localWork, pass, mirrors.states(), mirrors.assignments()));
        server.setErrorHandler(new JsonErrorHandler());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // The handler splits the raw path itself and decodes each segment alone, so an encoded
        // '/' or '..' inside a unit name reaches the name check (400) instead of Jetty's refusal.
        // Nothing here maps paths to files.
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector tcp = null;
        InheritedUnixConnector inherited = null;
        if (config.unixSocketInherited()) {
            requireInheritedUnixSocket();
            inherited = new InheritedUnixConnector(server);
            server.addConnector(inherited);
        } else if (config.unixSocket().isPresent()) {
            Path socket = config.unixSocket().get();
            prepareSocketPath(socket);
            UnixDomainServerConnector unix = new UnixDomainServerConnector(server, new HttpConnectionFactory(http));
            unix.setUnixDomainPath(socket);
            server.addConnector(unix);
        }
        if (config.tcp().isPresent()) {
            tcp = config.security().tls() ? tlsConnector(server, http, config.security())
                    : new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
            tcp.setHost(config.tcp().get().getHostString());
            tcp.setPort(config.tcp().get().getPort());
            server.addConnector(tcp);
        }
        for (org.eclipse.jetty.server.Connector c : server.getConnectors()) {
            c.addBean(headers);
        }
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            reads.close();
            mirrors.close();
            throw new IllegalStateException("cannot start the API: " + e.getMessage(), e);
        }
        if (!config.unixSocketInherited()) {
            config.unixSocket().ifPresent(socket -> restrictSocket(socket, config.socketGroup()));
        }
        ApiServer api = new ApiServer(server, tcp, inherited, reads, counts, events, inspection, bodies, mirrors);
        log.info("API listening on {}{}{}", config.unixSocket().map(p -> "unix://" + p).orElse(""),
                config.unixSocketInherited() ? " (socket from systemd)" : "",
                api.tcpAddress().map(a -> (config.security().tls() ? " https://" : " http://") + a.getHostString() + ":" + a.getPort()).orElse(""));
        return api;
    }

    /**
     * TLS on the TCP port. Plain HTTP sent there is detected and answered (400, "use https://")
     * rather than dropped, so a misconfigured client learns why.
     */
    private static ServerConnector tlsConnector(Server server, HttpConfiguration plain, ApiSecurity security) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(Pem.keyStore(security.tlsCert().get(), security.tlsKey().get()));
        ssl.setKeyStorePassword("");
        ssl.setKeyManagerPassword("");
        security.clientCa().ifPresent(ca -> {
            ssl.setTrustStore(Pem.trustStore(ca));
            // Asked for, not required: a token is the other way in, and the guard answers 401
            // with fleet's body instead of a failed handshake.
            ssl.setWantClientAuth(true);
        });
        HttpConfiguration https = new HttpConfiguration(plain);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients connect by IP address as often as by name; the certificate check is the client's.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        HttpConnectionFactory http = new HttpConnectionFactory(https);
        SslConnectionFactory tls = new SslConnectionFactory(ssl, http.getProtocol());
        return new ServerConnector(server, 1, 1, new DetectorConnectionFactory(tls), http);
    }

    private static QueuedThreadPool workers(String name, int requests) {
        QueuedThreadPool pool = new QueuedThreadPool(requests + EventsEndpoint.MAX_STREAMS + UnitInspection.MAX_FOLLOWERS, 1);
        pool.setName(name);
        pool.setDaemon(true);
        return pool;
    }

    private static void requireInheritedUnixSocket() {
        Channel inherited;
        try {
            inherited = System.inheritedChannel();
        } catch (IOException e) {
            throw new IllegalStateException("cannot take the inherited API socket: " + e.getMessage(), e);
        }
        if (!(inherited instanceof ServerSocketChannel listening)) {
            throw new IllegalStateException("no listening socket was inherited on fd 0 (found " + inherited + ")");
        }
        try {
            if (!(listening.getLocalAddress() instanceof UnixDomainSocketAddress)) {
                throw new IllegalStateException("the socket inherited on fd 0 is not a unix socket: "
                        + listening.getLocalAddress());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the inherited API socket: " + e.getMessage(), e);
        }
    }

    private static void prepareSocketPath(Path socket) {
        try {
            Files.createDirectories(socket.getParent());
            UnixSocketPath.problem(socket).ifPresent(why -> {
                throw new IllegalStateException("cannot use API socket " + why);
            });
            // A socket file left by a previous daemon would make bind fail.
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare API socket " + socket + ": " + e.getMessage(), e);
        }
    }

    private static void restrictSocket(Path socket, Optional<String> group) {
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            if (group.isPresent()) {
                GroupPrincipal principal = socket.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group.get());
                Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(principal);
            }
        } catch (IOException e) {
            log.warn("cannot set owner/mode of API socket {}: {}", socket, e.getMessage());
        }
    }

    /** True from a successful start until {@link #close()}. */
    /**
     * Switches the cluster-wide gauges of {@code /metrics} (units, unit states, machines) on or off.
     * They need a watch of the whole cluster, so flotd keeps them on its engine leader only; off
     * (the start), a scrape reports this daemon's own figures.
     */
    public void countCluster(boolean on) {
        counts.count(on);
    }

    public boolean isRunning() {
        return server.isRunning() && (inheritedConnector == null || inheritedConnector.isAccepting());
    }

    /**
     * Closing an inherited channel makes the JDK point fds 0, 1 and 2 at /dev/null
     * (sun.nio.ch.InheritedChannel), which would silence every later log line of the daemon. So
     * the inherited socket only stops accepting and its connections finish; it closes when the
     * process exits. systemd keeps its own copy: connections made meanwhile wait for the next
     * daemon. The TCP listener closes as usual.
     */
    private void closeKeepingInheritedSocket() {
        events.close();
        counts.close();
        mirrors.close();
        inheritedConnector.setAccepting(false);
        try {
            inheritedConnector.shutdown().get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("API connections still open after {} s", SHUTDOWN_WAIT.toSeconds());
        } catch (ExecutionException e) {
            log.warn("API did not stop cleanly: {}", e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (tcpConnector != null) {
            try {
                tcpConnector.stop();
            } catch (Exception e) {
                log.warn("API TCP listener did not stop cleanly: {}", e.getMessage());
            }
        }
    }

    /** Followed journals being served now. */
    public int openJournals() {
        return inspection.followers();
    }

    /** Request body bytes held now, and the most ever held at once ({@link ApiLimits#bodyBytesInFlight()} bounds both). */
    public long bodyBytesInFlight() {
        return bodies.held();
    }

    public long bodyBytesPeak() {
        return bodies.peak();
    }

    /** Event streams being served now. */
    public int openEventStreams() {
        return events.openStreams();
    }

    /** The bound TCP address (useful when port 0 was asked for). */
    public Optional<InetSocketAddress> tcpAddress() {
        if (tcpConnector == null) {
            return Optional.empty();
        }
        return Optional.of(new InetSocketAddress(tcpConnector.getHost(), tcpConnector.getLocalPort()));
    }

    @Override
    public void close() {
        events.close(); // the streams end, so the server's stop does not wait for them
        inspection.close();
        if (inheritedConnector != null) {
            closeKeepingInheritedSocket();
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("API did not stop cleanly: {}", e.getMessage());
        }
        reads.close();
        counts.close();
        mirrors.close();
    }
}
