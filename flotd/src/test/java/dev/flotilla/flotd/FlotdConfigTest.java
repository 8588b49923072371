package dev.flotilla.flotd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlotdConfigTest {
    @TempDir
    Path dir;

    private FlotdConfig load(String text, Map<String, String> overrides) throws Exception {
        Path file = dir.resolve("flotd.conf");
        Files.writeString(file, text);
        return FlotdConfig.load(Optional.of(file), true, overrides);
    }

    @Test
    void theShippedExampleFileIsValidAndGivesTheDefaults() throws Exception {
        Path shipped = Path.of("..", "packaging", "etc", "flotd.conf");
        FlotdConfig c = FlotdConfig.load(Optional.of(shipped), true, Map.of());
        assertEquals(List.of(), c.etcdEndpoints(), "no endpoints = embedded etcd");
        assertEquals(Optional.of(Path.of("/run/flotilla/flotd.sock")), c.apiSocket());
        assertEquals(Duration.ofSeconds(5), c.machineTtl());
        assertEquals(Path.of("/run/flotilla/units"), c.unitDir());
        assertTrue(c.systemd());
    }

    @Test
    void fileValuesAreReadAndFlagsOverrideThem() throws Exception {
        FlotdConfig c = load("""
                # comment
                etcd_endpoints=http://127.0.0.1:2379, http://127.0.0.2:2379
                metadata="region=eu,disk=ssd"
                api_listen=127.0.0.11:49153
                api_insecure_loopback=true
                machine_ttl=3
                """, Map.of("machine_ttl", "7", "public_ip", "10.1.2.3", "systemd", "off", "unit_dir", "/run/x/../units"));
        assertEquals(List.of("http://127.0.0.1:2379", "http://127.0.0.2:2379"), c.etcdEndpoints());
        assertEquals(Map.of("disk", "ssd", "region", "eu"), c.metadata());
        assertEquals("127.0.0.11", c.apiListen().orElseThrow().getHostString());
        assertEquals(49153, c.apiListen().orElseThrow().getPort());
        assertEquals(Duration.ofSeconds(7), c.machineTtl());
        assertEquals("10.1.2.3", c.publicIp());
        assertEquals(false, c.systemd());
        assertEquals(Path.of("/run/units"), c.unitDir());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "bogus_key=1            | flotd.conf:2: unknown setting 'bogus_key'",
            "no equals sign         | flotd.conf:2: expected key=value",
            "machine_ttl=0          | flotd.conf:2: machine_ttl: must be between 1 and 3600",
            "machine_ttl=soon       | flotd.conf:2: machine_ttl: 'soon' is not a number",
            "metadata=a=b,c         | flotd.conf:2: metadata: 'c' is not key=value",
            "api_listen=nowhere     | flotd.conf:2: api_listen: 'nowhere' is not host:port",
            "etcd_endpoints=etcd:1  | flotd.conf:2: etcd_endpoints: 'etcd:1' is not an http",
            "log_level=loud         | flotd.conf:2: log_level: 'loud' is not one of",
            "unit_dir=units         | flotd.conf:2: unit_dir: 'units' must be an absolute path",
            "unit_dir=/             | flotd.conf:2: unit_dir: '/' must be an absolute path",
            "systemd=maybe          | flotd.conf:2: systemd: 'maybe' is not on or off",
            "api_listen=127.0.0.1:1 | flotd.conf:2: api_listen: api_listen=127.0.0.1:1 needs TLS: set api_tls_cert and api_tls_key",
            "api_tls_cert=/nonexistent/c.pem | flotd.conf:2: api_tls_cert: /nonexistent/c.pem is not a readable file",
            "api_insecure_loopback=perhaps | flotd.conf:2: api_insecure_loopback: 'perhaps' is not on or off",
            "capacity_memory=lots   | flotd.conf:2: capacity_memory: 'lots' is not a size",
            "capacity_memory=0      | flotd.conf:2: capacity_memory: '0' is 0",
            "capacity_memory=-1G    | flotd.conf:2: capacity_memory: '-1G' is negative",
            "capacity_memory=50%    | flotd.conf:2: capacity_memory: '50%' is not a size",
            "capacity_cpu=many      | flotd.conf:2: capacity_cpu: 'many' is not an amount of CPU",
            "capacity_cpu=0         | flotd.conf:2: capacity_cpu: '0' is 0",
            "reserved_cpu=-1        | flotd.conf:2: reserved_cpu: '-1' is negative",
            "reserved_memory=1g     | flotd.conf:2: reserved_memory: '1g' is not a size",
    })
    void badLinesAreRefusedWithFileLineAndKey(String line, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load("# first line\n" + line + "\n", Map.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void tcpSecuritySettingsAreCheckedTogether() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "0123456789abcdef0123 rw ci\n");
        Files.setPosixFilePermissions(tokens, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException open = assertThrows(ConfigException.class, () -> load("api_tokens_file=" + tokens + "\n", Map.of()));
        assertTrue(open.getMessage().endsWith("flotd.conf:1: api_tokens_file: the tokens file " + tokens
                + " must be readable by its owner only (chmod 600 " + tokens + "), it has rw-r--r--"), open.getMessage());
        assertTrue(open.getMessage().contains("chmod 600"), open.getMessage());
        Files.setPosixFilePermissions(tokens, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        FlotdConfig c = load("api_tokens_file=" + tokens + "\napi_listen=127.0.0.12:49153\napi_insecure_loopback=true\n", Map.of());
        assertEquals(1, c.apiSecurity().tokens().size());
        assertTrue(c.apiSecurity().insecureLoopback());
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        ConfigException half = assertThrows(ConfigException.class, () -> load("api_tls_cert=" + cert + "\n", Map.of()));
        assertTrue(half.getMessage().contains("api_tls_cert and api_tls_key go together"), half.getMessage());
    }

    @Test
    void aMissingDefaultFileIsFineButAMissingNamedFileIsNot() throws IOException {
        Path missing = dir.resolve("absent.conf");
        assertThrows(ConfigException.class, () -> FlotdConfig.load(Optional.of(missing), true, Map.of()));
        try {
            assertEquals("info", FlotdConfig.load(Optional.of(missing), false, Map.of()).logLevel());
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void capacityKeysTakeTheUnitFilesSyntaxAndDefaultToDetectingLessAReservation() throws Exception {
        FlotdConfig defaults = load("", Map.of());
        assertEquals(new CapacitySettings(0, 0, 100, 256L << 20), defaults.capacity());
        FlotdConfig c = load("capacity_cpu=3.5\ncapacity_memory=1536M\nreserved_cpu=250m\nreserved_memory=0\n",
                Map.of("capacity_cpu", "150%"));
        assertEquals(new CapacitySettings(1500, 1536L << 20, 250, 0), c.capacity());
    }
}
