package dev.flotilla.api.server;

import dev.flotilla.json.JsonValue;
import dev.flotilla.json.Json;
import dev.flotilla.api.ApiException;
import dev.flotilla.api.Credentials;
import dev.flotilla.api.Endpoint;
import dev.flotilla.api.FlotillaClient;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access control of the TCP listener, end to end: a real ApiServer serving TLS with an openssl-made
 * certificate, client certificates verified against a client CA, and a tokens file; every refusal
 * carries fleet's error body.
 */
@Tag("etcd")
class ApiAccessTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final String RW = "rw-0123456789abcdef";
    private static final String RO = "ro-0123456789abcdef";
    private static final String TEXT = "[Service]\nExecStart=/bin/sleep infinity\n";

    @TempDir
    static Path dir;
    private static TestCertificates serverCa;
    private static TestCertificates clientCa;
    private static Registry registry;
    private static ApiServer server;
    private static Path socket;

    @BeforeAll
    static void start() throws IOException {
        serverCa = TestCertificates.authority(dir.resolve("pki"), "server");
        clientCa = TestCertificates.authority(dir.resolve("pki"), "client");
        TestCertificates.Pair cert = serverCa.server("flotd");
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# token access name\n" + RW + " rw deploy\n" + RO + " ro dashboard\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        ApiSecurity security = new ApiSecurity(Optional.of(cert.cert()), Optional.of(cert.key()),
                Optional.of(clientCa.ca()), AccessTokens.load(tokens), false);
        registry = Registry.connect(etcd.newConfig());
        socket = dir.resolve("api.sock");
        server = ApiServer.start(new ApiServer.Config(Optional.of(socket), Optional.empty(),
                Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, security), registry,
                () -> new ApiServer.Health(true, "test", "ok"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static int port() {
        return server.tcpAddress().orElseThrow().getPort();
    }

    private static FlotillaClient client(Credentials c) {
        return FlotillaClient.connect(Endpoint.parse("https://127.0.0.1:" + port()), Duration.ofSeconds(30), c);
    }

    private static Credentials token(String token) throws IOException {
        Path file = Files.createTempFile(dir, "token", "");
        Files.writeString(file, token + "\n");
        return new Credentials(Optional.of(serverCa.ca()), Optional.empty(), Optional.empty(), Optional.of(file));
    }

    private static Credentials caOnly() {
        return new Credentials(Optional.of(serverCa.ca()), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static void assertFleetError(int status, ApiException e) {
        assertEquals(status, e.status(), e.getMessage());
    }

    @Test
    void withoutCredentialsTcpIsRefusedWith401() {
        try (FlotillaClient c = client(caOnly())) {
            ApiException e = assertThrows(ApiException.class, c::machines);
            assertFleetError(401, e);
            assertTrue(e.getMessage().contains("authentication required"), e.getMessage());
        }
    }

    @Test
    void aWrongTokenIs401() throws IOException {
        try (FlotillaClient c = client(token("not-a-known-token-at-all"))) {
            assertFleetError(401, assertThrows(ApiException.class, c::machines));
            assertFleetError(401, assertThrows(ApiException.class, () -> c.submit("x.service", TEXT, null, false)));
        }
        assertFalse(registry.unit("x.service").isPresent());
    }

    @Test
    void aReadOnlyTokenReadsButCannotWrite() throws IOException {
        try (FlotillaClient c = client(token(RO))) {
            c.machines();
            c.listing();
            ApiException e = assertThrows(ApiException.class, () -> c.submit("ro.service", TEXT, null, false));
            assertFleetError(403, e);
            assertTrue(e.getMessage().contains("'dashboard' is read-only"), e.getMessage());
            assertFleetError(403, assertThrows(ApiException.class, () -> c.deleteUnit("ro.service")));
            assertFleetError(403, assertThrows(ApiException.class, () -> c.submitAll(
                    java.util.List.of(new dev.flotilla.api.UnitSubmission("ro.service", TEXT, null, null)))));
        }
        assertFalse(registry.unit("ro.service").isPresent());
    }

    @Test
    void aReadWriteTokenWrites() throws IOException {
        try (FlotillaClient c = client(token(RW))) {
            assertEquals("created", c.submit("rw.service", TEXT, DesiredState.LOADED, false).change());
            assertEquals(TEXT, c.unitDetail("rw.service").orElseThrow().text());
            assertTrue(c.deleteUnit("rw.service"));
            assertEquals(201, c.submitAll(java.util.List.of(new dev.flotilla.api.UnitSubmission("rw2.service", TEXT, null, null)))
                    .get(0).code());
        }
    }

    @Test
    void aClientCertificateOfTheClientCaWrites() {
        TestCertificates.Pair mine = clientCa.client("alice");
        Credentials c = new Credentials(Optional.of(serverCa.ca()), Optional.of(mine.cert()), Optional.of(mine.key()),
                Optional.empty());
        try (FlotillaClient client = client(c)) {
            assertEquals("created", client.submit("cert.service", TEXT, null, false).change());
            assertTrue(client.deleteUnit("cert.service"));
        }
    }

    /**
     * The server names its client CA in the handshake, so the JDK client does not even offer a
     * certificate of another CA: the request arrives unauthenticated.
     */
    @Test
    void aClientCertificateOfAnotherCaIsNotAccepted() {
        TestCertificates other = TestCertificates.authority(dir.resolve("other"), "other");
        TestCertificates.Pair stranger = other.client("mallory");
        Credentials c = new Credentials(Optional.of(serverCa.ca()), Optional.of(stranger.cert()),
                Optional.of(stranger.key()), Optional.empty());
        try (FlotillaClient client = client(c)) {
            assertFleetError(401, assertThrows(ApiException.class, () -> client.submit("m.service", TEXT, null, false)));
        }
        assertFalse(registry.unit("m.service").isPresent());
    }

    @Test
    void aServerCertificateTheClientDoesNotTrustIsRefused() throws IOException {
        Path file = Files.createTempFile(dir, "token", "");
        Files.writeString(file, RW);
        Credentials c = new Credentials(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(file));
        try (FlotillaClient client = client(c)) {
            ApiException e = assertThrows(ApiException.class, client::machines);
            assertEquals(0, e.status());
        }
    }

    @Test
    void plainHttpToTheTlsPortIs400WithFleetsBody() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /fleet/v1/machines HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + RW
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            JsonValue body = Json.parse(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertEquals(400, body.path("error").path("code").asInt());
            assertTrue(body.path("error").path("message").asText().contains("use https://"), answer);
        }
    }

    @Test
    void anUnauthenticatedAnswerChallengesForABearerToken() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(dev.flotilla.api.Pem.trustStore(serverCa.ca()));
        ctx.init(null, tmf.getTrustManagers(), null);
        try (Socket s = ctx.getSocketFactory().createSocket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("PUT /flotilla/v1/units/a.service HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
            assertTrue(answer.contains("WWW-Authenticate: Bearer"), answer);
            assertTrue(answer.contains("{\"error\":{\"code\":401,"), answer);
        }
    }

    /** The page's files are served without a token (a browser cannot send one on navigation); its API calls are not. */
    @Test
    void thePageIsServedWithoutATokenButItsApiCallsNeedOne() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(dev.flotilla.api.Pem.trustStore(serverCa.ca()));
        ctx.init(null, tmf.getTrustManagers(), null);
        for (String[] request : new String[][]{{"/ui/", "HTTP/1.1 200 "}, {"/fleet/v1/machines", "HTTP/1.1 401 "},
                {"/flotilla/v1/events", "HTTP/1.1 401 "}}) {
            try (Socket s = ctx.getSocketFactory().createSocket("127.0.0.1", port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("GET " + request[0] + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = readAll(s.getInputStream());
                assertTrue(answer.startsWith(request[1]), request[0] + ": " + answer);
            }
        }
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /ui/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 400 ") && answer.contains("use https://"), answer);
        }
    }

    @Test
    void theUnixSocketNeedsNoCredentials() {
        try (FlotillaClient c = FlotillaClient.connect(Endpoint.parse("unix://" + socket), Duration.ofSeconds(30))) {
            assertEquals("created", c.submit("unix.service", TEXT, null, false).change());
            assertTrue(c.deleteUnit("unix.service"));
        }
    }

    @Test
    void tcpWithoutTlsIsRefusedAtStartUnlessLoopbackAndAskedFor() {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiServer.start(
                new ApiServer.Config(Optional.empty(), Optional.empty(), Optional.of(any)), registry,
                () -> new ApiServer.Health(true, "t", "ok")));
        assertTrue(e.getMessage().contains("needs TLS: set api_tls_cert and api_tls_key"), e.getMessage());
        assertTrue(e.getMessage().contains("api_insecure_loopback=true"), e.getMessage());
        String remote = ApiSecurity.insecureLoopbackOnly()
                .refusal(InetSocketAddress.createUnresolved("10.1.2.3", 49153)).orElseThrow();
        assertTrue(remote.contains("is not a loopback address"), remote);
        assertEquals(Optional.empty(), ApiSecurity.insecureLoopbackOnly().refusal(InetSocketAddress.createUnresolved("127.0.0.12", 1)));
        String noClients = new ApiSecurity(Optional.of(Path.of("c")), Optional.of(Path.of("k")), Optional.empty(),
                AccessTokens.none(), false).refusal(any).orElseThrow();
        assertTrue(noClients.contains("no way for clients to prove who they are"), noClients);
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (IOException e) {
            // reset after the answer: keep what came
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
