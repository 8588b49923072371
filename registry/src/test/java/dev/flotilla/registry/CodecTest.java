package dev.flotilla.registry;

import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitRecord;
import io.etcd.jetcd.ByteSequence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What etcd holds, byte for byte as Jackson wrote it before it was replaced: daemons of the
 * older version and of this one share a cluster while a fleet upgrades, so each must read what
 * the other writes (same names; unknown fields ignored, missing ones null, 0 or false).
 */
class CodecTest {
    private static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Test
    void valuesAreWrittenAsBefore() {
        Map<String, String> meta = new TreeMap<>(Map.of("region", "eu", "q", "a\"b\\c\n"));
        assertEquals("{\"id\":\"m1\",\"publicIp\":\"10.0.0.1\",\"metadata\":{\"q\":\"a\\\"b\\\\c\\n\",\"region\":\"eu\"},"
                        + "\"version\":\"0.1.0\",\"session\":\"s-1\",\"leaseId\":7587884461234567890,\"apiUrl\":\"https://x\","
                        + "\"cpuMillis\":4000,\"memoryBytes\":8589934592}",
                text(Codec.encode(new Codec.MachineRecord("m1", "10.0.0.1", meta, "0.1.0", "s-1", 7587884461234567890L,
                        "https://x", 4000, 8L << 30))));
        assertEquals("{\"id\":null,\"publicIp\":null,\"metadata\":null,\"version\":null,\"session\":null,\"leaseId\":0,"
                        + "\"apiUrl\":null,\"cpuMillis\":0,\"memoryBytes\":0}",
                text(Codec.encode(new Codec.MachineRecord(null, null, null, null, null, 0, null, 0, 0))));
        assertEquals("{\"hash\":\"abc\",\"desired\":\"launched\"}", text(Codec.encode(new Codec.AssignmentValue("abc", "launched"))));
        assertEquals("{\"hash\":\"abc\",\"load\":\"loaded\",\"active\":\"active\",\"sub\":\"running\",\"answers\":12,"
                        + "\"restarts\":-1,\"since\":1764633600123456}",
                text(Codec.encode(new Codec.StateValue("abc", "loaded", "active", "running", 12, -1, 1764633600123456L))));
        assertEquals("{\"hash\":\"abc\",\"attempts\":2,\"failedOn\":[\"m1\",\"m2\"],\"lastFailure\":\"exit 1\","
                        + "\"lastFailureMillis\":5,\"notBeforeMillis\":6}",
                text(Codec.encode(new Codec.FailureValue("abc", 2, List.of("m1", "m2"), "exit 1", 5, 6))));
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("b.service", "[Service]\nExecStart=/bin/true\n");
        texts.put("a.service", "é\t\u0001");
        assertEquals("{\"id\":\"r-1\",\"units\":[{\"name\":\"a.service\",\"oldHash\":\"o\",\"newHash\":\"n\",\"step\":\"WAITING\","
                        + "\"changedMillis\":3,\"detail\":\"\",\"machine\":null},{\"name\":\"g.service\",\"oldHash\":\"o\","
                        + "\"newHash\":\"n\",\"step\":\"HEALTHY\",\"changedMillis\":4,\"detail\":\"d\",\"machine\":\"m1\"}],"
                        + "\"texts\":{\"b.service\":\"[Service]\\nExecStart=/bin/true\\n\",\"a.service\":\"é\\t\\u0001\"},"
                        + "\"maxParallel\":2,\"minHealthyMillis\":5000,\"healthyDeadlineMillis\":300000,\"autoRevert\":true,"
                        + "\"phase\":\"RUNNING\",\"request\":\"NONE\",\"reason\":\"\",\"createdMillis\":1,\"updatedMillis\":2}",
                text(Codec.encode(new Codec.RolloutValue("r-1", List.of(
                        new Codec.RolloutUnitValue("a.service", "o", "n", "WAITING", 3, "", null),
                        new Codec.RolloutUnitValue("g.service", "o", "n", "HEALTHY", 4, "d", "m1")), texts, 2, 5000, 300000,
                        true, "RUNNING", "NONE", "", 1, 2))));
        UnitRecord u = new UnitRecord("web.service", "[Service]\nExecStart=/bin/echo \"hi\"\n", "0123abcd", DesiredState.LAUNCHED);
        assertEquals("{\"hash\":\"0123abcd\",\"desired\":\"launched\"}\n[Service]\nExecStart=/bin/echo \"hi\"\n",
                text(Codec.encodeUnit(u)));
    }

    @Test
    void valuesOfOtherVersionsAreRead() {
        // a newer daemon's field, an older daemon's missing one
        Codec.MachineRecord m = Codec.decode(bytes("{\"id\":\"m1\",\"publicIp\":\"10.0.0.1\",\"metadata\":{\"a\":\"1\"},"
                + "\"version\":\"0.0.9\",\"session\":\"s\",\"leaseId\":7,\"future\":{\"x\":[1,2,{\"y\":null}]}}"), Codec.MachineRecord.class);
        assertEquals(new Codec.MachineRecord("m1", "10.0.0.1", Map.of("a", "1"), "0.0.9", "s", 7, null, 0, 0), m);
        assertEquals(new Codec.RolloutUnitValue("a", "o", "n", "WAITING", 3, "", null),
                Codec.decode(bytes("{\"name\":\"a\",\"oldHash\":\"o\",\"newHash\":\"n\",\"step\":\"WAITING\",\"changedMillis\":3,"
                        + "\"detail\":\"\"}"), Codec.RolloutUnitValue.class));
        assertEquals(new Codec.FailureValue("h", 1, null, null, 0, 0),
                Codec.decode(bytes("{\"hash\":\"h\",\"attempts\":1}"), Codec.FailureValue.class));
        // the unit form of before the header line: one JSON object with the text escaped
        UnitRecord old = Codec.decodeUnit("a.service", bytes("{\"text\":\"[Unit]\\nDescription=\\u00e9\\n\",\"hash\":\"h\","
                + "\"desired\":\"loaded\",\"extra\":1}"));
        assertEquals(new UnitRecord("a.service", "[Unit]\nDescription=é\n", "h", DesiredState.LOADED), old);
        UnitRecord now = Codec.decodeUnit("a.service", bytes("{\"hash\":\"h\",\"desired\":\"inactive\",\"n\":2}\n[Unit]\n"));
        assertEquals(new UnitRecord("a.service", "[Unit]\n", "h", DesiredState.INACTIVE), now);
    }

    @Test
    void unreadableValuesAreRegistryErrors() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> Codec.decode(bytes("{\"hash\":"), Codec.AssignmentValue.class));
        assertTrue(e.getMessage().startsWith("unreadable AssignmentValue in etcd: "), e.getMessage());
        assertThrows(RegistryException.class, () -> Codec.decodeUnit("a", bytes("{\"hash\":1\n[Unit]\n")));
    }
}
