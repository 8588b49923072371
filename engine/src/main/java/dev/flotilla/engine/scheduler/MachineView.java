package dev.flotilla.engine.scheduler;

import java.util.Map;
import java.util.Objects;

/** A live machine as the scheduler sees it: its id, its metadata and what it can give. */
public record MachineView(String id, Map<String, String> metadata, Capacity capacity) {

    public MachineView {
        Objects.requireNonNull(id, "id");
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(capacity, "capacity");
    }

    public MachineView(String id, Map<String, String> metadata) {
        this(id, metadata, Capacity.UNKNOWN);
    }

    public MachineView(String id) {
        this(id, Map.of());
    }
}
