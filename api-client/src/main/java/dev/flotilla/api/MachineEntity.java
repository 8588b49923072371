package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

import java.util.Map;
import java.util.TreeMap;

/**
 * A machine as the API shows it (fleet v1's Machine entity), plus {@code apiURL}: where its
 * daemon's TCP API answers (fleet clients ignore it). Empty fields are left out, as fleet's JSON
 * did ({@code {"id":"X"}} for a machine without address or metadata); read back, they are empty.
 *
 * <p>{@code capacity} is Flotilla's only (its event stream): what the machine announces it can
 * give to units. The fleet v1 API never fills it, so its machine JSON stays exactly fleet's; it is
 * null (and left out) there and for a machine that announces none.
 */
@JsonOmit(JsonOmit.When.EMPTY)
public record MachineEntity(String id, String primaryIP, Map<String, String> metadata, String apiURL, Capacity capacity) {
    public MachineEntity(String id, String primaryIP, Map<String, String> metadata) {
        this(id, primaryIP, metadata, "");
    }

    public MachineEntity(String id, String primaryIP, Map<String, String> metadata, String apiURL) {
        this(id, primaryIP, metadata, apiURL, null);
    }

    /**
     * What a machine can give to units; a resource it does not know is 0.
     *
     * @param cpuMillis   thousandths of a CPU
     * @param memoryBytes bytes
     */
    public record Capacity(long cpuMillis, long memoryBytes) {
    }

    public MachineEntity {
        metadata = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metadata == null ? Map.of() : metadata));
        primaryIP = primaryIP == null ? "" : primaryIP;
        apiURL = apiURL == null ? "" : apiURL;
    }
}
