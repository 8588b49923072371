package dev.flotilla.flotd;

import dev.flotilla.api.Endpoint;
import dev.flotilla.api.FlotillaClient;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.Registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Daemons of one cluster in this JVM over a real etcd, run with {@code systemd=off} (they register,
 * elect an engine and place units, but run none), plus machines whose agent is simulated
 * ({@link SimulatedMachine}), where units constrained to {@code role=sim} are placed and turn active.
 */
final class PageCluster implements AutoCloseable {
    private final EtcdFixture etcd;
    private final Path dir;
    private final String prefix = "/page" + System.nanoTime() + "/";
    private final List<Flotd> daemons = new ArrayList<>();
    private final List<SimulatedMachine> machines = new ArrayList<>();
    private final Registry registry;

    PageCluster(EtcdFixture etcd, Path dir) {
        this.etcd = etcd;
        this.dir = dir;
        registry = Registry.connect(etcd.newConfig().withPrefix(prefix));
    }

    Flotd daemon(String name, String machineId, String metadata) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.writeString(home.resolve("machine-id"), machineId + "\n");
        Map<String, String> settings = new HashMap<>(Map.of(
                "etcd_endpoints", etcd.endpoint(),
                "etcd_prefix", prefix,
                "machine_id_file", home.resolve("machine-id").toString(),
                "state_dir", home.resolve("state").toString(),
                "api_socket", home.resolve("api.sock").toString(),
                "api_listen", "127.0.0.1:0",
                "public_ip", "127.0.0.1" + daemons.size(),
                "metadata", metadata,
                "systemd", "off"));
        settings.put("api_insecure_loopback", "true");
        Flotd d = new Flotd(FlotdConfig.load(Optional.empty(), false, settings));
        daemons.add(d);
        d.start();
        return d;
    }

    SimulatedMachine machine(String id, String ip, Map<String, String> metadata) {
        SimulatedMachine m = new SimulatedMachine(registry, id, ip, metadata);
        machines.add(m);
        return m;
    }

    Registry registry() {
        return registry;
    }

    static String url(Flotd d) {
        return "http://127.0.0.1:" + d.apiTcpAddress().orElseThrow().getPort();
    }

    static FlotillaClient client(Flotd d) {
        return FlotillaClient.connect(Endpoint.parse(url(d)), Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        machines.forEach(SimulatedMachine::close);
        daemons.forEach(Flotd::close);
        registry.close();
    }
}
