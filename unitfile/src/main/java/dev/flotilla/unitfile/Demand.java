package dev.flotilla.unitfile;

/**
 * What a unit reserves on the machine it runs on, read from its own directives: memory from
 * {@code [Service] MemoryMax=} (else {@code MemoryHigh=}, else {@code MemoryLimit=}), CPU from
 * {@code CPUQuota=}, each overridden by {@code [X-Fleet] MemoryRequest=} / {@code CPURequest=}.
 * A unit that says nothing reserves {@link #NONE}.
 *
 * <p>Memory is either an absolute size or a share of the machine's capacity ({@code MemoryMax=50%}),
 * never both: only the machine knows what a percentage comes to, see {@link #memoryOn}.
 *
 * @param cpuMillis              thousandths of a CPU ({@code CPUQuota=150%} is 1500)
 * @param memoryBytes            an absolute memory demand in bytes, 0 for none
 * @param memoryBasisPoints      a memory demand as hundredths of a percent of the machine's capacity
 *                               ({@code 50%} is 5000), 0 for none
 */
public record Demand(long cpuMillis, long memoryBytes, int memoryBasisPoints) {

    public static final Demand NONE = new Demand(0, 0, 0);

    public Demand {
        if (cpuMillis < 0 || memoryBytes < 0 || memoryBasisPoints < 0) {
            throw new IllegalArgumentException("negative demand");
        }
        if (memoryBytes > 0 && memoryBasisPoints > 0) {
            throw new IllegalArgumentException("a memory demand is a size or a percentage, not both");
        }
    }

    public boolean isNone() {
        return cpuMillis == 0 && memoryBytes == 0 && memoryBasisPoints == 0;
    }

    /** The memory this demand reserves on a machine with {@code capacityBytes} of memory. */
    public long memoryOn(long capacityBytes) {
        if (memoryBasisPoints == 0) {
            return memoryBytes;
        }
        // Split so that no capacity a long can hold overflows.
        return capacityBytes / 10_000 * memoryBasisPoints + capacityBytes % 10_000 * memoryBasisPoints / 10_000;
    }
}
