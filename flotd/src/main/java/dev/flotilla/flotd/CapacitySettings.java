package dev.flotilla.flotd;

import dev.flotilla.model.Resources;
import dev.flotilla.unitfile.ResourceSyntax;

/**
 * What this machine announces it can give to units, from flotd.conf: each resource either set
 * outright ({@code capacity_cpu=}, {@code capacity_memory=}) or what {@link CapacityProbe} finds
 * less a reservation for the OS and flotd itself ({@code reserved_cpu=}, {@code reserved_memory=}).
 * Pure.
 *
 * @param cpuMillis           {@code capacity_cpu}, 0 = detect
 * @param memoryBytes         {@code capacity_memory}, 0 = detect
 * @param reservedCpuMillis   {@code reserved_cpu}, taken off a detected CPU amount
 * @param reservedMemoryBytes {@code reserved_memory}, taken off a detected memory amount
 */
record CapacitySettings(long cpuMillis, long memoryBytes, long reservedCpuMillis, long reservedMemoryBytes) {

    /** The defaults: flotd's JVM (~100-130 MiB resident) and the OS's own services, a tenth of a CPU. */
    static final String DEFAULT_RESERVED_CPU = "100m";
    static final String DEFAULT_RESERVED_MEMORY = "256M";

    /**
     * The announced capacity and a line saying how it came about, for the log.
     *
     * @param capacity    what the machine announces; a resource nothing could be read for is 0 (unknown)
     * @param description e.g. {@code cpu 1.9 CPUs (2 CPUs in /sys/devices/system/cpu/online less reserved_cpu 0.1 CPUs), memory ...}
     * @param warning     why the announcement may surprise (nothing detected, a reservation that takes it all), or ""
     */
    record Resolved(Resources capacity, String description, String warning) {
    }

    Resolved resolve(CapacityProbe.Detected detected) {
        StringBuilder warning = new StringBuilder();
        Part cpu = part(cpuMillis, "capacity_cpu", detected.cpuMillis(), detected.cpuFrom(), reservedCpuMillis,
                "reserved_cpu", ResourceSyntax::formatCpu, "CPU", warning);
        Part memory = part(memoryBytes, "capacity_memory", detected.memoryBytes(), detected.memoryFrom(),
                reservedMemoryBytes, "reserved_memory", ResourceSyntax::formatBytes, "memory", warning);
        return new Resolved(new Resources(cpu.amount, memory.amount), "cpu " + cpu.text + ", memory " + memory.text,
                warning.toString());
    }

    private record Part(long amount, String text) {
    }

    private static Part part(long outright, String outrightKey, long detected, String from, long reserved,
                             String reservedKey, java.util.function.LongFunction<String> format, String what,
                             StringBuilder warning) {
        if (outright > 0) {
            return new Part(outright, format.apply(outright) + " (" + outrightKey + ")");
        }
        if (detected == 0) {
            append(warning, "no " + what + " amount could be read, so none is announced and units that need "
                    + what + " are placed here as if it had room; set " + outrightKey + "=");
            return new Part(0, "unknown " + what);
        }
        if (reserved >= detected) {
            append(warning, reservedKey + " " + format.apply(reserved) + " takes all the " + format.apply(detected)
                    + " found, so no unit that needs " + what + " fits here; lower " + reservedKey + " or set " + outrightKey + "=");
            // 0 would mean "unknown" (room for anything): the smallest amount says "full".
            return new Part(1, format.apply(1) + " (" + format.apply(detected) + " in " + from + ", all of it "
                    + reservedKey + ")");
        }
        long amount = detected - reserved;
        return new Part(amount, format.apply(amount) + " (" + format.apply(detected) + " in " + from
                + (reserved > 0 ? " less " + reservedKey + " " + format.apply(reserved) : "") + ")");
    }

    private static void append(StringBuilder b, String s) {
        b.append(b.isEmpty() ? "" : "; ").append(s);
    }
}
