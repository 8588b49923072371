package dev.flotilla.engine.scheduler;

/**
 * What a machine can give, as the scheduler sees it. A dimension of 0 is unknown (the machine did not
 * say): it has room for any demand there, and its share there is 0.
 *
 * @param cpuMillis   thousandths of a CPU
 * @param memoryBytes bytes
 */
public record Capacity(long cpuMillis, long memoryBytes) {

    public static final Capacity UNKNOWN = new Capacity(0, 0);

    public Capacity {
        if (cpuMillis < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("negative capacity: cpu " + cpuMillis + "m, memory " + memoryBytes);
        }
    }

    public boolean isUnknown() {
        return cpuMillis == 0 && memoryBytes == 0;
    }
}
