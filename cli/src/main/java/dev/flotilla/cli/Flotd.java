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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The daemon: wires registry, presence, engine election and API together; stops them in reverse. */
final class Flotd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Flotd.class);

    private final FlotdConfig config;
    private final ConfigSource configSource;
    private final SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
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
        machine = new Machine(machineId, ip, config.metadata(), Version.get());

        EtcdConfig etcd = etcdConfig();
        registry = Registry.connect(etcd);
        presence = registry.register(machine, config.machineTtl(), session, config.machineTtl().plusSeconds(2));
        presence.onStateChange(this::onPresenceState);
        log.info("machine {} ({}) joined the cluster at {} with metadata {}", machineId, ip,
                String.join(",", etcd.endpoints()), machine.metadata());

        engine = Engine.start(registry, registry.leaderElection(machineId, config.engineTtl()),
                EngineOptions.defaults(config.machineTtl()));

        api = ApiServer.start(SocketActivation.apiServerConfig(config), registry, this::health);

        notifier.ready("machine " + machineId + " joined the cluster");
        notifier.startWatchdog(this::alive);
    }

    /**
     * What the systemd watchdog checks: the daemon runs and serves its API. A lost etcd session
     * is not a reason to be restarted: the daemon registers again by itself.
     */
    private boolean alive() {
        return stopped.getCount() > 0 && api != null && api.isRunning();
    }

    /**
     * SIGHUP: reads the config file's {@code metadata} again and announces it. A config that
     * does not load is refused with an error in the log; the machine keeps its metadata.
     */
    synchronized void reloadMetadata() {
        MachinePresence p = presence;
        if (p == null || stopped.getCount() == 0) {
            log.warn("reload ignored: the machine is not registered");
            return;
        }
        Map<String, String> metadata;
        try {
            metadata = configSource.load().metadata();
        } catch (ConfigException e) {
            log.error("reload refused, metadata stays {}: {}", machine.metadata(), e.getMessage());
            return;
        }
        Machine updated = machine.withMetadata(metadata);
        if (updated.equals(machine)) {
            log.info("reload: metadata unchanged {}", machine.metadata());
            return;
        }
        try {
            p.update(updated);
        } catch (RuntimeException e) {
            log.error("reload: cannot announce metadata {}, stays {}: {}", updated.metadata(), machine.metadata(),
                    e.getMessage());
            return;
        }
        machine = updated;
        log.info("reload: metadata is now {}", updated.metadata());
        notifier.statusUpdate("machine " + updated.id() + " in the cluster; metadata reloaded");
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
        notifier.stopping();
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
        notifier.close();
        log.info("stopped; machine deregistered");
    }

    Optional<InetSocketAddress> apiTcpAddress() {
        return api == null ? Optional.empty() : api.tcpAddress();
    }
}
