package dev.flotilla.flotd;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.AgentConfig;
import dev.flotilla.api.Version;
import dev.flotilla.api.server.ApiServer;
import dev.flotilla.engine.Engine;
import dev.flotilla.engine.EngineOptions;
import dev.flotilla.registry.ConnectionState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdProcess;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.systemd.SystemdConnectionState.Connected;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.SystemdException;
import dev.flotilla.systemd.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** The daemon: wires registry, agent (presence + units), engine and API together; stops them in reverse. */
final class Flotd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Flotd.class);

    private final FlotdConfig config;
    private final ConfigSource configSource;
    private final SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private EtcdProcess embeddedEtcd;
    private Registry registry;
    private Systemd systemd;
    private volatile Agent agent;
    private Engine engine;
    private ApiServer api;
    private volatile Machine machine;
    private String session;

    Flotd(FlotdConfig config) {
        this(config, () -> config);
    }

    /** @param configSource reads the configuration again on {@link #reloadMetadata()} */
    Flotd(FlotdConfig config, ConfigSource configSource) {
        this.config = config;
        this.configSource = configSource;
    }

    /** Starts everything; throws with a clear message if this machine cannot join. */
    void start() throws ConfigException {
        String machineId = MachineIdentity.readMachineId(config.machineIdFile());
        session = MachineIdentity.session(config.stateDir());
        String ip = config.publicIp().isBlank() ? MachineIdentity.guessPublicIp() : config.publicIp();
        systemd = config.systemd() ? connectSystemd() : null;
        EtcdConfig etcd = etcdConfig();
        registry = Registry.connect(etcd);
        // The configured metadata: the agent lays the API's overrides over it (read before it registers).
        CapacitySettings.Resolved capacity = config.capacity().resolve(CapacityProbe.detect());
        if (!capacity.warning().isEmpty()) {
            log.warn("capacity: {}", capacity.warning());
        }
        log.info("announcing capacity {}", capacity.description());
        machine = new Machine(machineId, ip, config.metadata(), Version.get(),
                ApiAdvertisement.url(config.apiListen(), config.apiSecurity().tls(), ip)).withCapacity(capacity.capacity());
        AgentConfig agentConfig = AgentConfig.of(machine, config.machineTtl(), session, config.unitDir());
        Agent machineAgent = systemd == null ? Agent.presenceOnly(agentConfig, registry) : Agent.create(agentConfig, registry, systemd);
        agent = machineAgent;
        machineAgent.start(); // registers the machine: the engine campaigns only once the machine has joined
        log.info("machine {} ({}) joined the cluster at {} with metadata {}", machineId, ip,
                String.join(",", etcd.endpoints()), machineAgent.machine().metadata());

        engine = Engine.start(registry, registry.leaderElection(machineId, config.engineTtl()),
                EngineOptions.defaults(config.machineTtl()));

        Engine running = engine;
        ApiServer.Config apiConfig = SocketActivation.apiServerConfig(config);
        ApiServer server = ApiServer.start(apiConfig, registry, this::health, () -> EngineMetrics.of(running.stats()),
                dev.flotilla.systemd.UnitInspector.systemd(), Flotd::previewPass);
        api = server;
        FleetSocketLink.offer(config.fleetSocket(), apiConfig.unixSocket());
        // The cluster-wide gauges need a watch of the whole cluster: only the leading daemon keeps one.
        running.addLeadershipListener(server::countCluster);

        notifier.ready("machine " + machineId + " joined the cluster");
        notifier.startWatchdog(this::alive);
    }

    /** {@code flotctl plan}'s pass: the engine's planner over the state the API read, writing nothing. */
    private static dev.flotilla.api.server.SchedulingPass.Outcome previewPass(
            java.util.Collection<Machine> machines, java.util.Collection<dev.flotilla.model.UnitRecord> units,
            java.util.Collection<dev.flotilla.model.Assignment> assignments) {
        dev.flotilla.engine.PassPreview.Outcome o = dev.flotilla.engine.PassPreview.pass(machines, units, assignments);
        return new dev.flotilla.api.server.SchedulingPass.Outcome(o.machineOf(), o.waiting());
    }

    /**
     * What the systemd watchdog checks: the daemon runs and serves its API. A lost etcd session
     * is not a reason to be restarted: the daemon registers again by itself.
     */
    private boolean alive() {
        return stopped.getCount() > 0 && api != null && api.isRunning();
    }

    /**
     * SIGHUP: reads the config file's {@code metadata} again and hands it to the agent, which
     * announces it with the API's overrides laid over it. A config that does not load is refused with
     * an error in the log; the machine keeps its metadata.
     */
    synchronized void reloadMetadata() {
        Agent a = agent;
        if (a == null || stopped.getCount() == 0) {
            log.warn("reload ignored: the daemon is not running");
            return;
        }
        Map<String, String> metadata;
        try {
            metadata = configSource.load().metadata();
        } catch (ConfigException e) {
            log.error("reload refused, metadata stays {}: {}", a.machine().metadata(), e.getMessage());
            return;
        }
        if (a.updateMetadata(metadata)) {
            notifier.statusUpdate("machine " + machine.id() + " in the cluster; metadata reloaded");
        }
    }

    private EtcdConfig etcdConfig() {
        if (!config.etcdEndpoints().isEmpty()) {
            return new EtcdConfig(config.etcdEndpoints(), config.etcdPrefix(), config.etcdCaFile(),
                    config.etcdCertFile(), config.etcdKeyFile());
        }
        log.info("no etcd_endpoints configured: starting an embedded etcd in {}", config.stateDir().resolve("etcd"));
        embeddedEtcd = EtcdProcess.start(config.stateDir().resolve("etcd"), "127.0.0.1", 2379, 2380, Duration.ofSeconds(30));
        return EtcdConfig.of(embeddedEtcd.clientUrl()).withPrefix(config.etcdPrefix());
    }

    /** flotd runs this machine's units through systemd: without it there is no agent, so refuse to start. */
    private static Systemd connectSystemd() {
        Systemd sd;
        try {
            sd = Systemd.connect();
        } catch (SystemdException e) {
            throw new IllegalStateException("cannot reach systemd (" + e.getMessage() + "): flotd runs this machine's units "
                    + "through systemd's D-Bus API, so it must run as root on a machine booted with systemd; "
                    + "set systemd=off to run without units", e);
        }
        if (sd.connectionState() instanceof Connected c && c.transport() != Transport.PRIVATE_SOCKET) {
            log.warn("connected to systemd over the system bus, not its private socket: not running as root? "
                    + "systemd will refuse to start units");
        }
        return sd;
    }

    private ApiServer.Health health() {
        Agent a = agent;
        if (a == null) {
            return new ApiServer.Health(false, machine.id(), "not registered");
        }
        ConnectionState s = a.presenceState();
        return new ApiServer.Health(s != ConnectionState.LOST, machine.id(), "etcd " + s.name().toLowerCase());
    }

    void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Clean shutdown: API first, then the engine resigns, then the agent stops and unloads this
     * machine's units and deregisters (so the cluster moves them at once).
     */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        stopped.countDown();
        notifier.stopping();
        log.info("stopping");
        if (api != null) {
            api.close();
        }
        if (engine != null) {
            engine.close();
        }
        Optional.ofNullable(agent).ifPresent(Agent::close);
        if (systemd != null) {
            systemd.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (embeddedEtcd != null) {
            embeddedEtcd.stop();
        }
        notifier.close();
        log.info("stopped; units stopped and machine deregistered");
    }

    Optional<InetSocketAddress> apiTcpAddress() {
        return api == null ? Optional.empty() : api.tcpAddress();
    }
}
