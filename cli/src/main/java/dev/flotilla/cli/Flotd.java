package dev.flotilla.cli;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.AgentConfig;
import dev.flotilla.api.server.ApiServer;
import dev.flotilla.engine.Engine;
import dev.flotilla.engine.EngineOptions;
import dev.flotilla.registry.ConnectionState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdProcess;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.systemd.ConnectionState.Connected;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.SystemdException;
import dev.flotilla.systemd.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** The daemon: wires registry, agent (presence + units), engine and API together; stops them in reverse. */
final class Flotd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Flotd.class);

    private final FlotdConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private EtcdProcess embeddedEtcd;
    private Registry registry;
    private Systemd systemd;
    private volatile Agent agent;
    private Engine engine;
    private ApiServer api;
    private Machine machine;
    private String session;

    Flotd(FlotdConfig config) {
        this.config = config;
    }

    /** Starts everything; throws with a clear message if this machine cannot join. */
    void start() throws ConfigException {
        String machineId = MachineIdentity.readMachineId(config.machineIdFile());
        session = MachineIdentity.session(config.stateDir());
        String ip = config.publicIp().isBlank() ? MachineIdentity.guessPublicIp() : config.publicIp();
        machine = new Machine(machineId, ip, config.metadata(), Version.get());

        systemd = config.systemd() ? connectSystemd() : null;
        EtcdConfig etcd = etcdConfig();
        registry = Registry.connect(etcd);
        AgentConfig agentConfig = AgentConfig.of(machine, config.machineTtl(), session, config.unitDir());
        Agent machineAgent = systemd == null ? Agent.presenceOnly(agentConfig, registry) : Agent.create(agentConfig, registry, systemd);
        agent = machineAgent;
        machineAgent.start(); // registers the machine: the engine campaigns only once the machine has joined
        log.info("machine {} ({}) joined the cluster at {} with metadata {}", machineId, ip,
                String.join(",", etcd.endpoints()), machine.metadata());

        engine = Engine.start(registry, registry.leaderElection(machineId, config.engineTtl()),
                EngineOptions.defaults(config.machineTtl()));

        api = ApiServer.start(new ApiServer.Config(config.apiSocket(), config.apiSocketGroup(),
                config.apiListen().map(a -> new InetSocketAddress(a.getHostString(), a.getPort()))), registry, this::health);
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
        log.info("stopped; units stopped and machine deregistered");
    }

    Optional<InetSocketAddress> apiTcpAddress() {
        return api == null ? Optional.empty() : api.tcpAddress();
    }
}
