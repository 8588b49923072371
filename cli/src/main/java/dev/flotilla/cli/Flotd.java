package dev.flotilla.cli;

import dev.flotilla.api.server.ApiServer;
import dev.flotilla.engine.Engine;
import dev.flotilla.engine.EngineOptions;
import dev.flotilla.registry.ConnectionState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdProcess;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The daemon: wires registry, presence, engine election and API together; stops them in reverse. */
final class Flotd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Flotd.class);

    private final FlotdConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flotd-presence");
        t.setDaemon(true);
        return t;
    });
    private EtcdProcess embeddedEtcd;
    private Registry registry;
    private volatile MachinePresence presence;
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

        EtcdConfig etcd = etcdConfig();
        registry = Registry.connect(etcd);
        presence = registry.register(machine, config.machineTtl(), session, config.machineTtl().plusSeconds(2));
        presence.onStateChange(this::onPresenceState);
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

    private ApiServer.Health health() {
        MachinePresence p = presence;
        if (p == null) {
            return new ApiServer.Health(false, machine.id(), "not registered");
        }
        ConnectionState s = p.state();
        return new ApiServer.Health(s != ConnectionState.LOST, machine.id(), "etcd " + s.name().toLowerCase());
    }

    private void onPresenceState(ConnectionState state) {
        if (state == ConnectionState.LOST && stopped.getCount() > 0) {
            background.execute(this::reRegister);
        }
    }

    /** After a lost lease the cluster has moved on; join again as a fresh registration. */
    private void reRegister() {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            MachinePresence fresh = registry.register(machine, config.machineTtl(), session, config.machineTtl().plusSeconds(2));
            fresh.onStateChange(this::onPresenceState);
            presence = fresh;
            log.info("machine registered again after losing its lease");
        } catch (RegistryException e) {
            log.warn("cannot register again yet: {}; retrying in 1 s", e.getMessage());
            background.schedule(this::reRegister, 1, TimeUnit.SECONDS);
        }
    }

    void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Clean shutdown: API first, then resign, then deregister (so units move at once). */
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
        background.shutdownNow();
        Optional.ofNullable(presence).ifPresent(MachinePresence::close);
        if (registry != null) {
            registry.close();
        }
        if (embeddedEtcd != null) {
            embeddedEtcd.stop();
        }
        log.info("stopped; machine deregistered");
    }

    Optional<InetSocketAddress> apiTcpAddress() {
        return api == null ? Optional.empty() : api.tcpAddress();
    }
}
