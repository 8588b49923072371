package dev.flotilla.engine.scheduler;

/**
 * One live machine after a pass: what is allocated on it and what it can give.
 *
 * @param units       its load: non-global units placed there plus the active global units it runs
 * @param cpuMillis   CPU reserved there (global units included), thousandths of a CPU
 * @param memoryBytes memory reserved there (global units included), with percentages resolved
 *                    against its capacity
 * @param capacity    as announced ({@link Capacity#UNKNOWN} if not)
 */
public record MachineLoad(int units, long cpuMillis, long memoryBytes, Capacity capacity) {
}
