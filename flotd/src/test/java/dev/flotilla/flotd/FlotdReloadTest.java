package dev.flotilla.flotd;

import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.model.Machine;
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

    private void patch(String json) throws Exception {
        // fleet's clients send the PATCH as raw JSON; so does this test, over the daemon's socket.
        java.net.UnixDomainSocketAddress address = java.net.UnixDomainSocketAddress.of(dir.resolve("api.sock"));
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(address)) {
            byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String head = "PATCH /fleet/v1/machines HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            ch.write(java.nio.ByteBuffer.wrap(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            ch.write(java.nio.ByteBuffer.wrap(body));
            String answer = new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertEquals("HTTP/1.1 204", answer.substring(0, 12), answer);
        }
    }

    @Test
    void patchedMetadataIsAnnouncedOverTheConfiguredAndOutlastsARestartAndAReload() throws Exception {
        String text = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineMetadata=role=web\n";
        registry.createUnit(new dev.flotilla.model.UnitRecord("web.service", text,
                dev.flotilla.unitfile.UnitFile.parse("web.service", text).hash(), dev.flotilla.model.DesiredState.LAUNCHED));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> registry.waiting().value().containsKey("web.service"));

        patch("[{\"op\":\"add\",\"path\":\"/" + ID + "/metadata/role\",\"value\":{\"value\":\"web\"}},"
                + "{\"op\":\"remove\",\"path\":\"/" + ID + "/metadata/disk\"}]");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> registeredMetadata().equals(Map.of("az", "a", "role", "web")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                registry.assignments().value().stream().anyMatch(a -> a.unit().equals("web.service") && a.machineId().equals(ID)));

        writeConfig("metadata=az=b,disk=hdd");
        daemon.reloadMetadata();
        assertEquals(Map.of("az", "b", "role", "web"), registeredMetadata(), "the override still wins after a reload");

        daemon.close();
        ConfigSource source = () -> FlotdConfig.load(Optional.of(file), true, Map.of());
        daemon = new Flotd(source.load(), source);
        daemon.start();
        assertEquals(Map.of("az", "b", "role", "web"), registeredMetadata(), "announced with the override from the start");
    }
}
