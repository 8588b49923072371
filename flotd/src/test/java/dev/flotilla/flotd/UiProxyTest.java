package dev.flotilla.flotd;

import dev.flotilla.api.ApiForwarder;
import dev.flotilla.api.Credentials;
import dev.flotilla.api.Endpoint;
import dev.flotilla.flotctl.UiProxy;
import dev.flotilla.registry.EtcdFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code flotctl ui}'s forwarder against a real daemon over its unix socket. */
@Tag("etcd")
class UiProxyTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    @TempDir
    Path dir;
    private PageCluster cluster;
    private UiProxy proxy;

    @BeforeEach
    void start() throws Exception {
        cluster = new PageCluster(etcd, dir);
        cluster.daemon("a", "a".repeat(32), "");
        proxy = UiProxy.start(new ApiForwarder(Endpoint.parse("unix://" + dir.resolve("a").resolve("api.sock")),
                Duration.ofSeconds(30), Credentials.none()), 0);
    }

    @AfterEach
    void stop() {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            cluster.close();
        }
    }

    private Socket send(String method, String path, String host) throws IOException {
        Socket s = new Socket("127.0.0.1", proxy.port());
        s.setSoTimeout(30_000);
        s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                + (method.equals("POST") ? "Content-Length: 0\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private String exchange(String method, String path, String host) throws IOException {
        try (Socket s = send(method, path, host)) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            s.getInputStream().transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private String own() {
        return "127.0.0.1:" + proxy.port();
    }

    @Test
    void itListensOnLoopbackAndForwardsReadsWithTheirTypes() throws IOException {
        assertTrue(proxy.pageUrl().startsWith("http://127.0.0.1:"), proxy.pageUrl());
        String page = exchange("GET", "/ui/", own());
        assertTrue(page.startsWith("HTTP/1.1 200 "), page);
        assertTrue(page.toLowerCase().contains("content-type: text/html"), page);
        assertTrue(page.contains("<title>Flotilla</title>"), page);
        String js = exchange("GET", "/ui/ui.js", "localhost:" + proxy.port());
        assertTrue(js.toLowerCase().contains("content-type: text/javascript"), js);
        String machines = exchange("GET", "/fleet/v1/machines", own());
        assertTrue(machines.startsWith("HTTP/1.1 200 ") && machines.contains("\"id\":\"" + "a".repeat(32) + "\""), machines);
        String missing = exchange("GET", "/flotilla/v1/units/nope.service", own());
        assertTrue(missing.startsWith("HTTP/1.1 404 "), missing);
    }

    @Test
    void writesAndForeignHostsAreRefused() throws IOException {
        String post = exchange("POST", "/flotilla/v1/units", own());
        assertTrue(post.startsWith("HTTP/1.1 405 ") && post.contains("reads only"), post);
        String delete = exchange("DELETE", "/fleet/v1/units/a.service", own());
        assertTrue(delete.startsWith("HTTP/1.1 405 "), delete);
        String rebound = exchange("GET", "/fleet/v1/machines", "attacker.example:" + proxy.port());
        assertTrue(rebound.startsWith("HTTP/1.1 403 "), rebound);
    }

    @Test
    void theEventStreamPassesThroughAsItArrives() throws IOException {
        try (Socket s = send("GET", "/flotilla/v1/events", own())) {
            InputStream in = s.getInputStream();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String status = lines.readLine();
            assertTrue(status.startsWith("HTTP/1.1 200 "), status);
            // The snapshot's line arrives while the stream stays open (a buffering forwarder would
            // hold it until the end, and the stream never ends): the read would time out instead.
            String line = lines.readLine();
            while (line != null && !line.contains("\"snapshot\"")) {
                line = lines.readLine();
            }
            assertTrue(line != null && line.contains("a".repeat(32)), String.valueOf(line));
        }
    }

    @Test
    void theRootLeadsToThePage() throws IOException {
        String root = exchange("GET", "/", own());
        assertTrue(root.startsWith("HTTP/1.1 302 ") && root.contains("Location: /ui/"), root);
        assertEquals(-1, proxy.pageUrl().indexOf("0.0.0.0"));
    }
}
