package dev.flotilla.unitfile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code MachineMetadata=} asks of a machine's metadata.
 *
 * <ul>
 *   <li>{@code key=value} (fleet's meaning): the machine must have {@code key}, with one of the
 *       values listed for that key (values of the same key are ORed, different keys ANDed). A
 *       machine lacking the key does not match.</li>
 *   <li>{@code key!=value} (beyond fleet): the machine's {@code key} must be none of the values
 *       listed with {@code !=}; a machine lacking the key matches. Several {@code !=} values of
 *       one key are therefore ANDed ({@code region!=a region!=b} means neither a nor b), which is
 *       what such a line means to a reader.</li>
 * </ul>
 *
 * @param required key to the values it may have (the machine must have the key)
 * @param excluded key to the values it must not have
 */
public record MetadataRequirement(Map<String, List<String>> required, Map<String, List<String>> excluded) {

    /** No requirement: every machine matches. */
    public static final MetadataRequirement NONE = new MetadataRequirement(Map.of(), Map.of());

    public MetadataRequirement {
        required = freeze(required);
        excluded = freeze(excluded);
    }

    public boolean isEmpty() {
        return required.isEmpty() && excluded.isEmpty();
    }

    /** Whether a machine with this metadata satisfies every requirement. */
    public boolean matches(Map<String, String> machineMetadata) {
        Map<String, String> machine = machineMetadata == null ? Map.of() : machineMetadata;
        for (Map.Entry<String, List<String>> e : required.entrySet()) {
            String have = machine.get(e.getKey());
            if (have == null || !e.getValue().contains(have)) {
                return false;
            }
        }
        for (Map.Entry<String, List<String>> e : excluded.entrySet()) {
            String have = machine.get(e.getKey());
            if (have != null && e.getValue().contains(have)) {
                return false;
            }
        }
        return true;
    }

    /** Keeps the file's order (useful for display) while making the maps and lists immutable. */
    private static Map<String, List<String>> freeze(Map<String, List<String>> m) {
        Objects.requireNonNull(m);
        if (m.isEmpty()) {
            return Map.of();
        }
        LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(Objects.requireNonNull(k), List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }
}
