package dev.flotilla.engine.scheduler;

import java.util.Map;
import java.util.Objects;

/** A live machine as the scheduler sees it: its id and its metadata, nothing else. */
public record MachineView(String id, Map<String, String> metadata) {

    public MachineView {
        Objects.requireNonNull(id, "id");
        metadata = Map.copyOf(metadata);
    }

    public MachineView(String id) {
        this(id, Map.of());
    }
}
