package dev.flotilla.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A machine of the cluster as it announces itself.
 *
 * @param id        the machine id (32 hex characters from /etc/machine-id)
 * @param publicIp  the address users and other machines reach it at
 * @param metadata  key/value pairs that MachineMetadata= constraints match against (sorted)
 * @param version   the flotd version it runs
 * @param apiUrl    where its daemon's TCP API answers (https://ip:port), "" when it has none:
 *                  what status and journal of its units go through
 * @param capacity  what it can give to units (CPU and memory it sees, less its reservation), or
 *                  {@link Resources#NONE} when it does not say
 */
public record Machine(String id, String publicIp, Map<String, String> metadata, String version, String apiUrl,
                      Resources capacity) {
    public Machine(String id, String publicIp, Map<String, String> metadata, String version) {
        this(id, publicIp, metadata, version, "");
    }

    public Machine(String id, String publicIp, Map<String, String> metadata, String version, String apiUrl) {
        this(id, publicIp, metadata, version, apiUrl, Resources.NONE);
    }

    public Machine {
        apiUrl = apiUrl == null ? "" : apiUrl;
        capacity = capacity == null ? Resources.NONE : capacity;
        Objects.requireNonNull(id, "id");
        publicIp = publicIp == null ? "" : publicIp;
        metadata = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metadata == null ? Map.of() : metadata));
        version = version == null ? "" : version;
    }

    /**
     * The metadata a machine announces: the configured one with the API's overrides (key to
     * value, "" = removed) laid over it.
     */
    public static Map<String, String> merge(Map<String, String> configured, Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(configured);
        overrides.forEach((k, v) -> {
            if (v.isEmpty()) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        return merged;
    }

    public Machine withMetadata(Map<String, String> newMetadata) {
        return new Machine(id, publicIp, newMetadata, version, apiUrl, capacity);
    }

    public Machine withCapacity(Resources newCapacity) {
        return new Machine(id, publicIp, metadata, version, apiUrl, newCapacity);
    }
}
