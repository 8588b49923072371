package dev.flotilla.model;

import java.util.Objects;

/**
 * A submitted unit as the cluster keeps it: the exact text (the source of truth), its hash,
 * and the desired state.
 */
public record UnitRecord(String name, String text, String hash, DesiredState desired) {
    public UnitRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(desired, "desired");
    }

    public UnitRecord withDesired(DesiredState state) {
        return new UnitRecord(name, text, hash, state);
    }
}
