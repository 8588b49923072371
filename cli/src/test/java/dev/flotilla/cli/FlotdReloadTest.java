package dev.flotilla.cli;

import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SIGHUP's work, {@link Flotd#reloadMetadata()}, against a real etcd. */
@Tag("etcd")
class FlotdReloadTest {
    private static final String ID = "c".repeat(32);

    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    @TempDir
    Path dir;

    private EtcdConfig etcdConfig;
    private Registry registry;
    private Flotd daemon;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        etcdConfig = etcd.newConfig();
        Files.writeString(dir.resolve("machine-id"), ID + "\n");
        file = dir.resolve("flotd.conf");
        writeConfig("metadata=az=a,disk=ssd");
        ConfigSource source = () -> FlotdConfig.load(Optional.of(file), true, Map.of());
        daemon = new Flotd(source.load(), source);
        daemon.start();
        registry = Registry.connect(etcdConfig);
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private void writeConfig(String... lines) throws Exception {
        Files.writeString(file, String.join("\n", List.of(
                "etcd_endpoints=" + etcd.endpoint(),
                "etcd_prefix=" + etcdConfig.prefix(),
                "machine_id_file=" + dir.resolve("machine-id"),
                "state_dir=" + dir.resolve("state"),
                "api_socket=" + dir.resolve("api.sock"),
                "public_ip=127.0.0.10",
                "machine_ttl=5", // flotd's default: nothing here waits for the lease to run out
                "systemd=off")) + "\n" + String.join("\n", lines) + "\n");
    }

    private Map<String, String> registeredMetadata() {
        List<Machine> machines = registry.machines().value();
        assertEquals(1, machines.size(), machines.toString());
        return machines.get(0).metadata();
    }

    @Test
    void aReloadAnnouncesTheNewMetadata() throws Exception {
        assertEquals(Map.of("az", "a", "disk", "ssd"), registeredMetadata());
        writeConfig("metadata=az=b,rack=r7");
        daemon.reloadMetadata();
        // reloadMetadata returns after the update was written: no waiting needed.
        assertEquals(Map.of("az", "b", "rack", "r7"), registeredMetadata());
    }

    @Test
    void aBadConfigKeepsTheOldMetadata() throws Exception {
        writeConfig("metadata=az=b,broken");
        daemon.reloadMetadata();
        assertEquals(Map.of("az", "a", "disk", "ssd"), registeredMetadata());

        writeConfig("metadata=az=c", "colour=blue");
        daemon.reloadMetadata();
        assertEquals(Map.of("az", "a", "disk", "ssd"), registeredMetadata());

        Files.delete(file);
        daemon.reloadMetadata();
        assertEquals(Map.of("az", "a", "disk", "ssd"), registeredMetadata());

        writeConfig("metadata=az=c");
        daemon.reloadMetadata();
        assertEquals(Map.of("az", "c"), registeredMetadata());
    }
}
