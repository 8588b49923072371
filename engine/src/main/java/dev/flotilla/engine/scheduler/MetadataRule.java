package dev.flotilla.engine.scheduler;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether a machine's metadata is acceptable to a unit (MachineMetadata=). Build it with
 * {@link #of} or {@link #builder()}: those rules also describe themselves in waiting reasons.
 */
@FunctionalInterface
public interface MetadataRule {

    /** Accepts every machine: the rule of a unit without MachineMetadata. */
    MetadataRule ANY = MetadataMatch.ANY;

    boolean matches(Map<String, String> metadata);

    /**
     * fleet's rule plus negation. {@code equal}: for each key the machine must have the key and one
     * of the values (same key ORed, different keys ANDed; a machine lacking the key fails).
     * {@code notEqual}: for each key the machine's value must be none of these (lacking the key passes).
     */
    static MetadataRule of(Map<String, ? extends Collection<String>> equal,
                           Map<String, ? extends Collection<String>> notEqual) {
        return MetadataMatch.of(equal, notEqual);
    }

    static Builder builder() {
        return new Builder();
    }

    /** Collects {@code k=v} and {@code k!=v} pairs as the parser reads them, in any order. */
    final class Builder {
        private final Map<String, Set<String>> equal = new LinkedHashMap<>();
        private final Map<String, Set<String>> notEqual = new LinkedHashMap<>();

        Builder() {
        }

        public Builder equal(String key, String value) {
            equal.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(value);
            return this;
        }

        public Builder notEqual(String key, String value) {
            notEqual.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(value);
            return this;
        }

        public MetadataRule build() {
            return MetadataMatch.of(equal, notEqual);
        }
    }
}
