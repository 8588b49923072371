package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a unit reserves, read from its directives. In every unit built by {@link #unit} the first
 * given line is line 3 ([Service], ExecStart= come first).
 */
class DemandTest {

    static final long K = 1024;
    static final long M = K * K;
    static final long G = M * K;

    static String unit(String... lines) {
        return "[Service]\nExecStart=/bin/true\n" + String.join("\n", lines) + "\n";
    }

    static Demand demand(String... lines) {
        return UnitFile.parse("a.service", unit(lines)).demand();
    }

    static String refusal(String... lines) {
        return assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", unit(lines))).getMessage();
    }

    @Test
    void aUnitThatSaysNothingReservesNothing() {
        assertEquals(Demand.NONE, demand());
        assertEquals(Demand.NONE, demand("[X-Fleet]", "Global=false"));
        assertTrue(demand().isNone());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // directive lines (separated by ;)          | cpu millis | memory bytes | basis points
            "MemoryMax=1G                                 | 0    | 1073741824 | 0",
            "MemoryMax=512M                               | 0    | 536870912  | 0",
            "MemoryMax=1.5G                               | 0    | 1610612736 | 0",
            "MemoryMax=1G 512M                            | 0    | 1610612736 | 0",
            "MemoryMax=2T                                 | 0    | 2199023255552 | 0",
            "MemoryMax=4096                               | 0    | 4096       | 0",
            "MemoryMax=64K                                | 0    | 65536      | 0",
            "MemoryMax=50%                                | 0    | 0          | 5000",
            "MemoryMax=12.5%                              | 0    | 0          | 1250",
            "MemoryMax=0.01%                              | 0    | 0          | 1",
            "MemoryMax=100%                               | 0    | 0          | 10000",
            "MemoryMax=125‰                               | 0    | 0          | 1250",
            "MemoryMax=1250‱                              | 0    | 0          | 1250",
            "MemoryMax=infinity                           | 0    | 0          | 0",
            "MemoryHigh=300M                              | 0    | 314572800  | 0",
            "MemoryLimit=300M                             | 0    | 314572800  | 0",
            "MemoryHigh=300M;MemoryMax=1G                 | 0    | 1073741824 | 0",
            "MemoryLimit=2G;MemoryHigh=1G                 | 0    | 1073741824 | 0",
            "MemoryMax=infinity;MemoryHigh=1G             | 0    | 1073741824 | 0",
            "MemoryMax=1G;MemoryMax=2G                    | 0    | 2147483648 | 0",
            "MemoryMax=1G;MemoryMax=                      | 0    | 0          | 0",
            "MemoryMax=1G;MemoryMax=;MemoryMax=3G         | 0    | 3221225472 | 0",
            "MemoryMax=1G;MemoryMax=infinity;MemoryHigh=2G | 0   | 2147483648 | 0",
            "MemoryMax=1G;MemoryMax=50%                   | 0    | 0          | 5000",
            "CPUQuota=150%                                | 1500 | 0          | 0",
            "CPUQuota=20%                                 | 200  | 0          | 0",
            "CPUQuota=12.5%                               | 125  | 0          | 0",
            "CPUQuota=0.01%                               | 1    | 0          | 0",
            "CPUQuota=400%                                | 4000 | 0          | 0",
            "CPUQuota=150%;CPUQuota=                      | 0    | 0          | 0",
            "CPUQuota=150%;MemoryMax=1G                   | 1500 | 1073741824 | 0",
            "[X-Fleet];MemoryRequest=256M                 | 0    | 268435456  | 0",
            "[X-Fleet];MemoryRequest=25%                  | 0    | 0          | 2500",
            "[X-Fleet];CPURequest=1.5                     | 1500 | 0          | 0",
            "[X-Fleet];CPURequest=2                       | 2000 | 0          | 0",
            "[X-Fleet];CPURequest=500m                    | 500  | 0          | 0",
            "[X-Fleet];CPURequest=0.25                    | 250  | 0          | 0",
            "[X-Fleet];CPURequest=150%                    | 1500 | 0          | 0",
            "MemoryMax=4G;CPUQuota=200%;[X-Fleet];MemoryRequest=1G;CPURequest=250m | 250 | 1073741824 | 0",
            "MemoryMax=4G;CPUQuota=200%;[X-Fleet];MemoryRequest=1G | 2000 | 1073741824 | 0",
            "MemoryMax=4G;[X-Fleet];MemoryRequest=0       | 0    | 0          | 0",
            "MemoryMax=4G;[X-Fleet];MemoryRequest=1G;MemoryRequest= | 0 | 4294967296 | 0",
            "CPUQuota=200%;[X-Fleet];CPURequest=0         | 0    | 0          | 0",
            "MemoryMax=50%;[X-Fleet];MemoryRequest=1G     | 0    | 1073741824 | 0",
    })
    void directives(String lines, long cpuMillis, long memoryBytes, int basisPoints) {
        assertEquals(new Demand(cpuMillis, memoryBytes, basisPoints), demand(lines.strip().split(";")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "MemoryMax=lots          | line 3: MemoryMax 'lots' is not a size",
            "MemoryMax=-1G           | line 3: MemoryMax '-1G' is negative",
            "MemoryMax=0             | line 3: MemoryMax '0' is out of range",
            "MemoryMax=0%            | line 3: MemoryMax '0%' is out of range",
            "MemoryMax=150%          | line 3: MemoryMax '150%' is more than 100% of the machine's memory",
            "MemoryMax=1g            | line 3: MemoryMax '1g' is not a size: the suffix 'g'",
            "MemoryMax=1KB           | line 3: MemoryMax '1KB' is not a size",
            "MemoryMax=1M 1G         | line 3: MemoryMax '1M 1G' is not a size: the suffix 'G' is out of place",
            "MemoryMax=12.345%       | line 3: MemoryMax '12.345%' is not a percentage",
            "MemoryMax=%             | line 3: MemoryMax '%' is not a percentage",
            "MemoryMax=16E           | line 3: MemoryMax '16E' is too large",
            "MemoryHigh=a lot        | line 3: MemoryHigh 'a lot' is not a size",
            "MemoryLimit=x           | line 3: MemoryLimit 'x' is not a size",
            "CPUQuota=0%             | line 3: CPUQuota '0%' is 0",
            "CPUQuota=1.5            | line 3: CPUQuota '1.5' is not a percentage",
            "CPUQuota=-50%           | line 3: CPUQuota '-50%' is negative",
            "CPUQuota=infinity       | line 3: CPUQuota 'infinity' is not a percentage (such as 50% or 12.5%) (leave it empty",
            "CPUQuota=%%             | line 3: CPUQuota '%%' is not a percentage",
            "[X-Fleet];MemoryRequest=infinity | line 4: MemoryRequest 'infinity' is not a size",
            "[X-Fleet];MemoryRequest=lots     | line 4: MemoryRequest 'lots' is not a size",
            "[X-Fleet];CPURequest=-1          | line 4: CPURequest '-1' is negative",
            "[X-Fleet];CPURequest=1.2345      | line 4: CPURequest '1.2345' has more than three decimals",
            "[X-Fleet];CPURequest=two         | line 4: CPURequest 'two' is not an amount of CPU",
            "[X-Fleet];CPURequest=1.5m        | line 4: CPURequest '1.5m' is not an amount of CPU",
            // A bad value is refused even when a later line overrides it (systemd would ignore it).
            "MemoryMax=lots;MemoryMax=1G      | line 3: MemoryMax 'lots' is not a size",
    })
    void badValuesAreRefusedAtTheirLine(String lines, String message) {
        String m = refusal(lines.strip().split(";"));
        assertTrue(m.startsWith(message), m);
    }

    @Test
    void everyBadValueIsReported() {
        UnitFileException e = assertThrows(UnitFileException.class,
                () -> UnitFile.parse("a.service", unit("MemoryMax=lots", "CPUQuota=0%", "[X-Fleet]", "CPURequest=x")));
        assertEquals(List.of(3, 4, 6), e.errors().stream().map(Problem::line).toList());
    }

    @Test
    void theRequestsAreKnownFleetKeysAndNearMissesAreNamed() {
        UnitFile u = UnitFile.parse("a.service", unit("[X-Fleet]", "MemoryRequest=1G", "CPURequest=1"));
        assertEquals(List.of(), u.warnings());
        UnitFile near = UnitFile.parse("a.service", unit("[X-Fleet]", "memoryrequest=1G"));
        assertEquals(Demand.NONE, near.demand());
        assertTrue(near.warnings().get(0).message().contains("did you mean 'MemoryRequest'?"), near.warnings().toString());
    }

    @Test
    void memoryLimitWarnsThatItIsTheOldName() {
        UnitFile u = UnitFile.parse("a.service", unit("MemoryLimit=1G"));
        assertEquals("line 3: warning: MemoryLimit is systemd's old name of MemoryMax; it still works",
                u.warnings().get(0).toString());
    }

    @Test
    void serviceLimitsCountOnlyInAServiceUnit() {
        // systemd ignores a [Service] section of a socket unit, so its values neither reserve nor refuse.
        UnitFile socket = UnitFile.parse("a.socket", "[Socket]\nListenStream=80\n[Service]\nMemoryMax=lots\n");
        assertEquals(Demand.NONE, socket.demand());
        UnitFile requested = UnitFile.parse("a.socket", "[Socket]\nListenStream=80\n[X-Fleet]\nMemoryRequest=64M\n");
        assertEquals(new Demand(0, 64 * M, 0), requested.demand());
    }

    @Test
    void otherSectionsAndKeysDoNotCount() {
        assertEquals(Demand.NONE, demand("[Unit]", "MemoryMax=lots", "[Install]", "CPUQuota=0%"));
        assertEquals(Demand.NONE, demand("MemoryMin=1G", "MemoryLow=1G", "MemorySwapMax=1G", "CPUWeight=100"));
    }

    @Test
    void aTemplateAndItsInstancesReserveTheSame() {
        UnitFile t = UnitFile.parse("web@.service", unit("MemoryMax=1G"));
        UnitFile i = t.instantiate(new UnitName("web@1.service"));
        assertEquals(t.demand(), i.demand());
        assertEquals(new Demand(0, G, 0), i.demand());
    }

    @Test
    void fleetApiOptionsReserveTheSame() {
        UnitFile u = UnitFile.fromOptions("a.service", List.of(new UnitOption("Service", "MemoryMax", "1G"),
                new UnitOption("X-Fleet", "CPURequest", "500m")));
        assertEquals(new Demand(500, G, 0), u.demand());
        UnitFileException e = assertThrows(UnitFileException.class, () -> UnitFile.fromOptions("a.service",
                List.of(new UnitOption("Service", "MemoryMax", "lots"))));
        assertTrue(e.getMessage().startsWith("line 2: MemoryMax 'lots'"), e.getMessage());
    }

    @Test
    void verifyRefusesBadValuesWithFileAndLine() {
        Verification v = UnitFileVerifier.check("web.service",
                unit("MemoryMax=lots", "CPUQuota=150%").getBytes(StandardCharsets.UTF_8));
        assertFalse(v.valid());
        assertEquals(List.of("web.service:3: MemoryMax 'lots' is not a size (bytes, or a number with K, M, G or T: 512M, 1.5G)"),
                v.lines());
        assertTrue(UnitFileVerifier.check("web.service", unit("MemoryMax=1G").getBytes(StandardCharsets.UTF_8)).valid());
    }

    @Test
    void aPercentageIsOfTheMachinesMemory() {
        Demand half = demand("MemoryMax=50%");
        assertEquals(G, half.memoryOn(2 * G));
        assertEquals(0, demand("CPUQuota=10%").memoryOn(2 * G));
    }
}
