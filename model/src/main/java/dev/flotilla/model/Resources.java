package dev.flotilla.model;

/**
 * An amount of CPU and memory: a machine's capacity, what is allocated on it, or what a unit
 * reserves once resolved against a machine.
 *
 * <p>A machine that announces {@link #NONE} as its capacity (a daemon older than capacities, or one
 * whose capacity could not be read) has not said what it holds. The scheduler then treats each
 * unknown dimension as room for any demand, and that dimension's share as zero.
 *
 * @param cpuMillis   thousandths of a CPU (1500 = 1.5 CPUs, systemd's {@code CPUQuota=150%})
 * @param memoryBytes bytes
 */
public record Resources(long cpuMillis, long memoryBytes) {

    public static final Resources NONE = new Resources(0, 0);

    public Resources {
        if (cpuMillis < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("negative resources: cpu " + cpuMillis + "m, memory " + memoryBytes);
        }
    }

    public boolean isNone() {
        return cpuMillis == 0 && memoryBytes == 0;
    }

    public Resources plus(Resources other) {
        return new Resources(cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes);
    }
}
