package dev.flotilla.registry;

import dev.flotilla.model.UnitRecord;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry against a real etcd that serves its clients over TLS and demands client
 * certificates (certificates made with openssl): the CA, certificate and key of EtcdConfig are
 * what it takes, and a client without them, or with a certificate of another CA, gets nothing.
 */
@Tag("etcd")
class EtcdTlsTest {
    @TempDir
    static Path dir;
    private static TestCertificates ca;
    private static EtcdProcess etcd;

    @BeforeAll
    static void start() {
        ca = TestCertificates.authority(dir.resolve("pki"), "etcd");
        TestCertificates.Pair server = ca.server("etcd-server");
        etcd = EtcdProcess.startWithTls(dir.resolve("data"), new EtcdProcess.Tls(server.cert(), server.key(), ca.ca()),
                Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (etcd != null) {
            etcd.stop();
        }
    }

    private static EtcdConfig config(Optional<Path> caFile, TestCertificates.Pair client) {
        return new EtcdConfig(List.of(etcd.clientUrl()), "/tls-test/", caFile,
                Optional.ofNullable(client).map(TestCertificates.Pair::cert),
                Optional.ofNullable(client).map(TestCertificates.Pair::key));
    }

    @Test
    void theRegistryWorksWithCaCertificateAndKey() {
        assertTrue(etcd.clientUrl().startsWith("https://127.0.0.1:"));
        try (Registry r = Registry.connect(config(Optional.of(ca.ca()), ca.client("flotd-a")))) {
            // the first call opens the channel and loads TLS: on a loaded machine it can outlast one call's 5 s bound
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> r.units() != null);
            UnitRecord unit = RegistryContract.unit("tls.service", "[Service]\nExecStart=/bin/true\n");
            assertTrue(r.createUnit(unit));
            assertEquals(List.of("tls.service"), r.units().value().stream().map(UnitRecord::name).toList());
        }
    }

    @Test
    void withoutAClientCertificateEtcdRefusesTheRegistry() {
        try (Registry r = Registry.connect(config(Optional.of(ca.ca()), null))) {
            assertThrows(RegistryException.class, r::units);
        }
    }

    @Test
    void aClientCertificateOfAnotherAuthorityIsRefused() {
        TestCertificates other = TestCertificates.authority(dir.resolve("other"), "other");
        try (Registry r = Registry.connect(config(Optional.of(ca.ca()), other.client("stranger")))) {
            assertThrows(RegistryException.class, r::units);
        }
    }

    @Test
    void aServerOfAnUntrustedAuthorityIsRefused() {
        TestCertificates other = TestCertificates.authority(dir.resolve("other2"), "other2");
        try (Registry r = Registry.connect(config(Optional.of(other.ca()), ca.client("flotd-b")))) {
            assertThrows(RegistryException.class, r::units);
        }
    }
}
