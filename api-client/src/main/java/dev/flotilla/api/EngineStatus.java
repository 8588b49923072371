package dev.flotilla.api;

/** Which machine's engine is active ("" when none is elected). */
public record EngineStatus(String leader) {
    public EngineStatus {
        leader = leader == null ? "" : leader;
    }
}
