package dev.flotilla.api;

/**
 * An amount of CPU and memory in the API's JSON: a machine's capacity or what is allocated on it.
 * A capacity of 0 in a dimension means the machine does not say (its daemon could not read it).
 *
 * @param cpuMillis   thousandths of a CPU (1500 = 1.5 CPUs)
 * @param memoryBytes bytes
 */
public record ResourceAmounts(long cpuMillis, long memoryBytes) {
    public static final ResourceAmounts NONE = new ResourceAmounts(0, 0);
}
