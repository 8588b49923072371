package dev.flotilla.flotd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.model.Resources;
import org.junit.jupiter.api.Test;

/** How the announced capacity comes from the settings and what was detected. */
class CapacitySettingsTest {

    static final long MIB = 1L << 20;
    static final CapacityProbe.Detected TWO_CPUS_4G =
            new CapacityProbe.Detected(2000, "/sys/devices/system/cpu/online", 4096 * MIB, "/proc/meminfo");

    @Test
    void detectedLessTheReservation() {
        CapacitySettings.Resolved r = new CapacitySettings(0, 0, 100, 256 * MIB).resolve(TWO_CPUS_4G);
        assertEquals(new Resources(1900, 3840 * MIB), r.capacity());
        assertEquals("cpu 1.9 CPUs (2 CPUs in /sys/devices/system/cpu/online less reserved_cpu 0.1 CPUs), "
                + "memory 3.8 GiB (4 GiB in /proc/meminfo less reserved_memory 256 MiB)", r.description());
        assertEquals("", r.warning());
    }

    @Test
    void setOutrightIgnoresTheDetectionAndTheReservation() {
        CapacitySettings.Resolved r = new CapacitySettings(4000, 1536 * MIB, 100, 256 * MIB).resolve(TWO_CPUS_4G);
        assertEquals(new Resources(4000, 1536 * MIB), r.capacity());
        assertEquals("cpu 4 CPUs (capacity_cpu), memory 1.5 GiB (capacity_memory)", r.description());
    }

    @Test
    void eachResourceOnItsOwn() {
        CapacitySettings.Resolved r = new CapacitySettings(0, 1536 * MIB, 500, 256 * MIB).resolve(TWO_CPUS_4G);
        assertEquals(new Resources(1500, 1536 * MIB), r.capacity());
    }

    @Test
    void aReservationThatTakesEverythingLeavesTheSmallestAmountNotUnknown() {
        CapacitySettings.Resolved r = new CapacitySettings(0, 0, 2000, 8192 * MIB).resolve(TWO_CPUS_4G);
        // 0 would mean "not announced" (room for anything); 1 means full.
        assertEquals(new Resources(1, 1), r.capacity());
        assertTrue(r.warning().contains("reserved_cpu 2 CPUs takes all the 2 CPUs found"), r.warning());
        assertTrue(r.warning().contains("reserved_memory 8 GiB takes all the 4 GiB found"), r.warning());
    }

    @Test
    void nothingDetectedIsAnnouncedAsUnknownWithAWarning() {
        CapacitySettings.Resolved r = new CapacitySettings(0, 0, 100, 256 * MIB)
                .resolve(new CapacityProbe.Detected(0, "", 0, ""));
        assertEquals(Resources.NONE, r.capacity());
        assertTrue(r.warning().contains("no CPU amount could be read"), r.warning());
        assertTrue(r.warning().contains("set capacity_memory="), r.warning());
    }
}
