package dev.flotilla.registry;

import java.util.Objects;

/**
 * A metadata key of one machine set through the API (fleet's PATCH of /machines): it takes
 * precedence over the metadata the machine's daemon is configured with, and lasts across the
 * machine's registrations and restarts.
 *
 * @param value the value, or "" to remove the key (also a configured one)
 */
public record MetadataOverride(String machineId, String key, String value) {
    public MetadataOverride {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(key, "key");
        value = value == null ? "" : value;
    }

    public boolean removes() {
        return value.isEmpty();
    }
}
