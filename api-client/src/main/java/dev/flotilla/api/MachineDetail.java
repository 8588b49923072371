package dev.flotilla.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * A machine in Flotilla's own API ({@code GET /flotilla/v1/machines}): what fleet's machine entity
 * says ({@link MachineEntity}), plus what it can give and what its units take of it.
 *
 * @param capacity  what the machine announces it can give to units (0 in a dimension: not announced)
 * @param allocated the sum of the demands of the units on it: its assigned non-global units and
 *                  the global units that run there, percentages resolved against its capacity
 * @param units     how many units those are
 */
public record MachineDetail(String id, String primaryIP, Map<String, String> metadata, String apiURL,
                            ResourceAmounts capacity, ResourceAmounts allocated, int units) {
    public MachineDetail {
        metadata = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metadata == null ? Map.of() : metadata));
        primaryIP = primaryIP == null ? "" : primaryIP;
        apiURL = apiURL == null ? "" : apiURL;
        capacity = capacity == null ? ResourceAmounts.NONE : capacity;
        allocated = allocated == null ? ResourceAmounts.NONE : allocated;
    }

    /** fleet's view of this machine. */
    public MachineEntity entity() {
        return new MachineEntity(id, primaryIP, metadata, apiURL);
    }
}
