package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The value syntax of sizes, shares and CPU amounts (systemd's, and Flotilla's CPURequest=). */
class ResourceSyntaxTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0                | 0",
            "1                | 1",
            "1B               | 1",
            "1K               | 1024",
            "1 K              | 1024",
            "1.5K             | 1536",
            "10.M             | 10485760",
            "0.5G             | 536870912",
            "1G 512M          | 1610612736",
            "1G512M           | 1610612736",
            "1T               | 1099511627776",
            "1P               | 1125899906842624",
            "7E               | 8070450532247928832",
            "+1K              | 1024",
            "1.3B             | 1",
            "1.0001K          | 1024",
            "9223372036854775807 | 9223372036854775807",
    })
    void sizes(String text, long bytes) {
        assertEquals(bytes, ResourceSyntax.bytes(text));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", " ", "lots", "1g", "1k", "1KB", "1M 1G", "1K 1K", "-1", "1G -1M", "0x10", "K",
            ".5K", "1..5K", "8E", "16E", "9223372036854775808", "1 2", "1%", "1 G G"})
    void notSizes(String text) {
        assertThrows(IllegalArgumentException.class, () -> ResourceSyntax.bytes(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0%     | 0",
            "50%    | 5000",
            "12.5%  | 1250",
            "12.34% | 1234",
            "150%   | 15000",
            "1‰     | 10",
            "12.5‰  | 125",
            "12‱    | 12",
            "+5%    | 500",
    })
    void shares(String text, int permyriad) {
        assertTrue(ResourceSyntax.isShare(text));
        assertEquals(permyriad, ResourceSyntax.permyriad(text));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"%", "-5%", "1.234%", "1.%", ".5%", "5 %", "a%", "1.25‰", "1.5‱", "50", "99999999999%"})
    void notShares(String text) {
        assertThrows(IllegalArgumentException.class, () -> ResourceSyntax.permyriad(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0      | 0",
            "1      | 1000",
            "1.5    | 1500",
            "0.001  | 1",
            "16     | 16000",
            "500m   | 500",
            "0m     | 0",
            "150%   | 1500",
            "0.05%  | 1",
            "12.34% | 124",
    })
    void cpuAmounts(String text, long millis) {
        assertEquals(millis, ResourceSyntax.cpuMillis(text));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "-1", "1.0005", "1.5m", "m", "two", "1e3", "+1", "1 5", "infinity", "99999999999999999999"})
    void notCpuAmounts(String text) {
        assertThrows(IllegalArgumentException.class, () -> ResourceSyntax.cpuMillis(text));
    }

    @Test
    void formats() {
        assertEquals("1.5 GiB", ResourceSyntax.formatBytes(1536L << 20));
        assertEquals("512 MiB", ResourceSyntax.formatBytes(512L << 20));
        assertEquals("300 B", ResourceSyntax.formatBytes(300));
        assertEquals("1.5 CPUs", ResourceSyntax.formatCpu(1500));
        assertEquals("1 CPU", ResourceSyntax.formatCpu(1000));
        assertEquals("0.25 CPUs", ResourceSyntax.formatCpu(250));
    }

    // ---- properties ----

    /** Any size written as systemd writes one (a number, optionally with one suffix) reads back as that many bytes. */
    @Property(tries = 2000)
    void aSizeWithASuffixRoundTrips(@ForAll @LongRange(min = 0, max = 1L << 40) long count, @ForAll("suffixes") int shift) {
        BigInteger bytes = BigInteger.valueOf(count).shiftLeft(shift);
        String suffix = switch (shift) {
            case 0 -> "";
            case 10 -> "K";
            case 20 -> "M";
            case 30 -> "G";
            case 40 -> "T";
            default -> throw new IllegalStateException();
        };
        String text = count + suffix;
        if (bytes.bitLength() < 64) {
            assertEquals(bytes.longValueExact(), ResourceSyntax.bytes(text), text);
        } else {
            assertThrows(IllegalArgumentException.class, () -> ResourceSyntax.bytes(text), text);
        }
    }

    /** A sum of descending parts with fractions is the sum of its parts, each cut to whole bytes. */
    @Property(tries = 1000)
    void aSumOfPartsIsTheSumOfTheParts(@ForAll @IntRange(max = 1023) int g, @ForAll @IntRange(max = 1023) int m,
                                       @ForAll @IntRange(max = 9) int tenthK) {
        String text = g + "G " + m + "M 0." + tenthK + "K";
        long expected = ((long) g << 30) + ((long) m << 20) + tenthK * 1024L / 10;
        assertEquals(expected, ResourceSyntax.bytes(text), text);
    }

    /** Whatever the text, a reading is a non-negative amount or an IllegalArgumentException, nothing else. */
    @Property(tries = 3000)
    void anyTextIsANonNegativeAmountOrRefused(@ForAll("amountLike") String text) {
        try {
            assertTrue(ResourceSyntax.bytes(text) >= 0);
        } catch (IllegalArgumentException expected) {
            assertFalse(expected.getMessage().isEmpty());
        }
        try {
            assertTrue(ResourceSyntax.cpuMillis(text) >= 0);
        } catch (IllegalArgumentException expected) {
            assertFalse(expected.getMessage().isEmpty());
        }
        try {
            assertTrue(ResourceSyntax.permyriad(text) >= 0);
        } catch (IllegalArgumentException expected) {
            assertFalse(expected.getMessage().isEmpty());
        }
    }

    /** Every percentage with at most two decimals reads back exactly. */
    @Property(tries = 1000)
    void aPercentageRoundTrips(@ForAll @IntRange(max = 1_000_000) int permyriad) {
        String text = permyriad / 100 + "." + String.format("%02d", permyriad % 100) + "%";
        assertEquals(permyriad, ResourceSyntax.permyriad(text), text);
        assertEquals((permyriad + 9) / 10, ResourceSyntax.cpuMillis(text));
    }

    @Provide
    Arbitrary<Integer> suffixes() {
        return Arbitraries.of(0, 10, 20, 30, 40);
    }

    @Provide
    Arbitrary<String> amountLike() {
        return Arbitraries.strings().withChars("0123456789.+- KMGTPEBkmg%‰‱x").ofMaxLength(24);
    }
}
