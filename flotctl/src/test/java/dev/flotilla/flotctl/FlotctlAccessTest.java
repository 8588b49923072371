package dev.flotilla.flotctl;

import dev.flotilla.api.server.AccessTokens;
import dev.flotilla.api.server.ApiSecurity;
import dev.flotilla.api.server.ApiServer;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** flotctl against a TLS listener: --ca-file, --cert-file/--key-file, --token-file, and the same from FLOTCTL_*. */
@Tag("etcd")
class FlotctlAccessTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final String RW = "rw-0123456789abcdef";
    private static final String RO = "ro-0123456789abcdef";

    @TempDir
    static Path dir;
    private static TestCertificates pki;
    private static TestCertificates.Pair clientCert;
    private static Registry registry;
    private static ApiServer api;
    private static Path rwToken;
    private static Path roToken;

    @BeforeAll
    static void start() throws IOException {
        pki = TestCertificates.authority(dir.resolve("pki"), "flotilla");
        TestCertificates.Pair server = pki.server("flotd");
        clientCert = pki.client("ops");
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, RW + " rw ci\n" + RO + " ro view\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        rwToken = Files.writeString(dir.resolve("rw.token"), RW + "\n");
        roToken = Files.writeString(dir.resolve("ro.token"), RO + "\n");
        registry = Registry.connect(etcd.newConfig());
        api = ApiServer.start(new ApiServer.Config(Optional.of(dir.resolve("api.sock")), Optional.empty(),
                Optional.of(new InetSocketAddress("127.0.0.1", 0)), false,
                new ApiSecurity(Optional.of(server.cert()), Optional.of(server.key()), Optional.of(pki.ca()),
                        AccessTokens.load(tokens), false)), registry, () -> new ApiServer.Health(true, "t", "ok"));
        Files.writeString(dir.resolve("a.service"), "[Service]\nExecStart=/bin/true\n");
        Files.writeString(dir.resolve("b.service"), "[Service]\nExecStart=/bin/true\n");
        Files.writeString(dir.resolve("c.service"), "[Service]\nExecStart=/bin/true\n");
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    record Run(int exit, String out, String err) {
    }

    private static Run flotctl(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        FlotctlMain main = new FlotctlMain();
        main.workingDir = dir;
        main.terminal = false;
        main.environment = env;
        var cl = FlotctlMain.commandLine(main);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        // a cold TLS client on a loaded machine: more than flotctl's 10 s default
        List<String> all = new ArrayList<>(List.of("--request-timeout=30"));
        if (!env.containsKey("FLOTCTL_ENDPOINT")) {
            all.add("--endpoint=" + endpoint());
        }
        all.addAll(List.of(args));
        return new Run(cl.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private static String endpoint() {
        return "https://127.0.0.1:" + api.tcpAddress().orElseThrow().getPort();
    }

    @Test
    void noCredentialsIsRefused() {
        Run r = flotctl(Map.of(), "--ca-file=" + pki.ca(), "list-machines");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("authentication required"), r.err());
    }

    @Test
    void aClientCertificateFromFlags() {
        Run r = flotctl(Map.of(), "--ca-file=" + pki.ca(), "--cert-file=" + clientCert.cert(),
                "--key-file=" + clientCert.key(), "submit", "a.service");
        assertEquals(0, r.exit(), r.err());
        assertTrue(registry.unit("a.service").isPresent());
    }

    @Test
    void aTokenFromTheEnvironment() {
        Map<String, String> env = Map.of("FLOTCTL_ENDPOINT", endpoint(), "FLOTCTL_CA_FILE", pki.ca().toString(),
                "FLOTCTL_TOKEN_FILE", rwToken.toString());
        Run r = flotctl(env, "submit", "b.service");
        assertEquals(0, r.exit(), r.err());
        assertTrue(registry.unit("b.service").isPresent());
    }

    @Test
    void aClientCertificateFromTheEnvironment() {
        Map<String, String> env = Map.of("FLOTCTL_CA_FILE", pki.ca().toString(),
                "FLOTCTL_CERT_FILE", clientCert.cert().toString(), "FLOTCTL_KEY_FILE", clientCert.key().toString());
        Run r = flotctl(env, "list-unit-files");
        assertEquals(0, r.exit(), r.err());
    }

    @Test
    void aReadOnlyTokenListsButCannotSubmit() {
        Run list = flotctl(Map.of(), "--ca-file=" + pki.ca(), "--token-file=" + roToken, "list-machines");
        assertEquals(0, list.exit(), list.err());
        Run submit = flotctl(Map.of(), "--ca-file=" + pki.ca(), "--token-file=" + roToken, "submit", "c.service");
        assertEquals(1, submit.exit());
        assertTrue(submit.err().contains("token 'view' is read-only"), submit.err());
        assertTrue(registry.unit("c.service").isEmpty());
    }

    @Test
    void eventsFollowTheClusterWithAReadOnlyToken() throws Exception {
        long now = registry.units().revision();
        java.util.concurrent.CompletableFuture<Run> run = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                flotctl(Map.of(), "--ca-file=" + pki.ca(), "--token-file=" + roToken, "events", "--since=" + now, "--count=2"));
        // Changes after 'now' reach the stream whenever it connects: no race with its start.
        for (String name : List.of("ev1.service", "ev2.service")) {
            registry.createUnit(new dev.flotilla.model.UnitRecord(name, "[Service]\nExecStart=/bin/true\n", "h",
                    dev.flotilla.model.DesiredState.INACTIVE));
        }
        Run r = run.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).contains("\"kind\":\"unit\",\"action\":\"updated\",\"name\":\"ev1.service\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"name\":\"ev2.service\""), lines.get(1));
    }

    @Test
    void aCertificateWithoutItsKeyIsAUsageError() {
        Run r = flotctl(Map.of(), "--ca-file=" + pki.ca(), "--cert-file=" + clientCert.cert(), "list-machines");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--key-file"), r.err());
    }

    @Test
    void withoutTheCaTheDaemonIsNotTrusted() {
        Run r = flotctl(Map.of(), "--token-file=" + rwToken, "list-machines");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("cannot talk to flotd") || r.err().contains("cannot reach"), r.err());
    }
}
