package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;
import java.util.TreeMap;

/**
 * A machine as the API shows it (fleet v1's Machine entity), plus {@code apiURL}: where its
 * daemon's TCP API answers (left out when it has none; fleet clients ignore it).
 */
public record MachineEntity(String id, String primaryIP, Map<String, String> metadata,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) String apiURL) {
    public MachineEntity(String id, String primaryIP, Map<String, String> metadata) {
        this(id, primaryIP, metadata, "");
    }

    public MachineEntity {
        metadata = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metadata == null ? Map.of() : metadata));
        primaryIP = primaryIP == null ? "" : primaryIP;
        apiURL = apiURL == null ? "" : apiURL;
    }
}
