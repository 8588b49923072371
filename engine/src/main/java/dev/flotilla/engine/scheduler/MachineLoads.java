package dev.flotilla.engine.scheduler;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What each live machine holds after a pass, by machine id. Immutable. Kept as arrays rather than a
 * map: a pass that only adds units hands one out too, and copying a few arrays of primitives costs
 * microseconds where building a map of 5,000 machines cost milliseconds (more than the pass).
 */
public final class MachineLoads {

    public static final MachineLoads NONE = new MachineLoads(new String[0], new Capacity[0], new int[0], new long[0], new long[0]);

    private final String[] ids;
    private final Capacity[] capacities;
    private final int[] units;
    private final long[] cpu;
    private final long[] memory;

    /** @param ids ascending; the arrays are not copied (the caller hands them over) */
    MachineLoads(String[] ids, Capacity[] capacities, int[] units, long[] cpu, long[] memory) {
        this.ids = ids;
        this.capacities = capacities;
        this.units = units;
        this.cpu = cpu;
        this.memory = memory;
    }

    public static MachineLoads of(SortedMap<String, MachineLoad> loads) {
        int n = loads.size();
        String[] ids = new String[n];
        Capacity[] capacities = new Capacity[n];
        int[] units = new int[n];
        long[] cpu = new long[n];
        long[] memory = new long[n];
        int i = 0;
        for (Map.Entry<String, MachineLoad> e : new TreeMap<>(loads).entrySet()) {
            ids[i] = e.getKey();
            capacities[i] = e.getValue().capacity();
            units[i] = e.getValue().units();
            cpu[i] = e.getValue().cpuMillis();
            memory[i] = e.getValue().memoryBytes();
            i++;
        }
        return new MachineLoads(ids, capacities, units, cpu, memory);
    }

    public int size() {
        return ids.length;
    }

    /** The i-th machine's id, by id. */
    public String id(int i) {
        return ids[i];
    }

    public MachineLoad at(int i) {
        return new MachineLoad(units[i], cpu[i], memory[i], capacities[i]);
    }

    /** The machine's load, or null if it is not live. */
    public MachineLoad get(String id) {
        int i = Arrays.binarySearch(ids, id);
        return i < 0 ? null : at(i);
    }

    public SortedMap<String, MachineLoad> asMap() {
        TreeMap<String, MachineLoad> out = new TreeMap<>();
        for (int i = 0; i < ids.length; i++) {
            out.put(ids[i], at(i));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MachineLoads m && Arrays.equals(ids, m.ids) && Arrays.equals(capacities, m.capacities)
                && Arrays.equals(units, m.units) && Arrays.equals(cpu, m.cpu) && Arrays.equals(memory, m.memory);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Arrays.hashCode(units);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
