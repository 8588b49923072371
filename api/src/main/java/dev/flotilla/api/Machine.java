package dev.flotilla.api;

import java.util.Map;
import java.util.TreeMap;

/** A machine as the API shows it (fleet v1's Machine entity). */
public record Machine(String id, String primaryIP, Map<String, String> metadata) {
    public Machine {
        metadata = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metadata == null ? Map.of() : metadata));
        primaryIP = primaryIP == null ? "" : primaryIP;
    }
}
