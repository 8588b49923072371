package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;
import java.util.TreeMap;

/**
 * A machine as the API shows it (fleet v1's Machine entity), plus {@code apiURL}: where its
 * daemon's TCP API answers (fleet clients ignore it). Empty fields are left out, as fleet's JSON
 * did ({@code {"id":"X"}} for a machine without address or metadata); read back, they are empty.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record MachineEntity(String id, String primaryIP, Map<String, String> metadata, String apiURL) {
    public MachineEntity(String id, String primaryIP, Map<String, String> metadata) {
        this(id, primaryIP, metadata, "");
    }

    public MachineEntity {
        metadata = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metadata == null ? Map.of() : metadata));
        primaryIP = primaryIP == null ? "" : primaryIP;
        apiURL = apiURL == null ? "" : apiURL;
    }
}
