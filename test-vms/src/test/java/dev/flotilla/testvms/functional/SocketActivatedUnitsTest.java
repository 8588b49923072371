package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example in examples/socket-activated-container through the cluster: the socket started by
 * flotctl, the template loaded beside it, a container started by systemd per connection.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
class SocketActivatedUnitsTest {
    private static final Path EXAMPLE = Path.of(System.getProperty("user.dir")).resolveSibling("examples")
            .resolve("socket-activated-container");

    @Test
    void theSocketActivatedContainerExampleAnswersThroughTheCluster(Cluster cluster) throws Exception {
        UnitsInCluster units = new UnitsInCluster(cluster);
        // The test machines share one network, each on its own address: pin the socket to m2's.
        String socket = Files.readString(EXAMPLE.resolve("web.socket"))
                .replace("ListenStream=127.0.0.70:18080", "ListenStream=127.0.0.12:18080")
                + "\n[X-Fleet]\nMachineMetadata=machine=m2\n";
        assertTrue(socket.contains("127.0.0.12:18080"), "the example's address changed: adjust this test");
        units.write("m2", "/root/build-rootfs.sh", Files.readString(EXAMPLE.resolve("build-rootfs.sh")));
        cluster.exec("m2", "/bin/sh", "/root/build-rootfs.sh").requireOk("build the container root in m2");
        units.write("m1", "/root/web.socket", socket);
        units.write("m1", "/root/web@.service", Files.readString(EXAMPLE.resolve("web@.service")));

        cluster.flotctl("m1", "start", "/root/web.socket").requireOk("start web.socket");
        cluster.flotctl("m1", "load", "/root/web@.service").requireOk("load web@.service");
        assertEquals("m2", units.machineOf("m1", "web.socket").orElseThrow());
        assertEquals("active", units.systemdActive("m2", "web.socket"));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.12:18080/"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Hello from a socket-activated container run by Flotilla."), page.body());

        assertEquals("NAccepted=1", cluster.exec("m2", "systemctl", "show", "-p", "NAccepted", "web.socket").out());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            UnitsInCluster.Row row = units.listUnits("m1").get("web.socket");
            return row != null && row.active().equals("active") && row.sub().equals("listening");
        });
        cluster.flotctl("m1", "destroy", "web.socket", "web@.service").requireOk("destroy");
    }
}
