package dev.flotilla.engine.scheduler;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code =} / {@code !=} rule. Sorted copies, so equal rules are equal (the pass shares one machine
 * index per distinct rule) and print the same; entry lists, so matching allocates nothing.
 */
final class MetadataMatch implements MetadataRule {

    static final MetadataMatch ANY = new MetadataMatch(new TreeMap<>(), new TreeMap<>());

    private final SortedMap<String, Set<String>> equal;
    private final SortedMap<String, Set<String>> notEqual;
    private final List<Map.Entry<String, Set<String>>> required;
    private final List<Map.Entry<String, Set<String>>> forbidden;

    private MetadataMatch(SortedMap<String, Set<String>> equal, SortedMap<String, Set<String>> notEqual) {
        this.equal = equal;
        this.notEqual = notEqual;
        this.required = List.copyOf(equal.entrySet());
        this.forbidden = List.copyOf(notEqual.entrySet());
    }

    static MetadataMatch of(Map<String, ? extends Collection<String>> equal,
                            Map<String, ? extends Collection<String>> notEqual) {
        return new MetadataMatch(sorted(equal), sorted(notEqual));
    }

    private static SortedMap<String, Set<String>> sorted(Map<String, ? extends Collection<String>> pairs) {
        TreeMap<String, Set<String>> copy = new TreeMap<>();
        pairs.forEach((key, values) -> {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("metadata key '" + key + "' has no value");
            }
            copy.put(key, Set.copyOf(new TreeSet<>(values)));
        });
        return Collections.unmodifiableSortedMap(copy);
    }

    @Override
    public boolean matches(Map<String, String> metadata) {
        for (int i = 0, n = required.size(); i < n; i++) {
            Map.Entry<String, Set<String>> e = required.get(i);
            String value = metadata.get(e.getKey());
            if (value == null || !e.getValue().contains(value)) {
                return false;
            }
        }
        for (int i = 0, n = forbidden.size(); i < n; i++) {
            Map.Entry<String, Set<String>> e = forbidden.get(i);
            String value = metadata.get(e.getKey());
            if (value != null && e.getValue().contains(value)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataMatch m && equal.equals(m.equal) && notEqual.equals(m.notEqual);
    }

    @Override
    public int hashCode() {
        return 31 * equal.hashCode() + notEqual.hashCode();
    }

    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(" ");
        equal.forEach((k, vs) -> out.add(k + "=" + String.join("|", new TreeSet<>(vs))));
        notEqual.forEach((k, vs) -> new TreeSet<>(vs).forEach(v -> out.add(k + "!=" + v)));
        return out.toString();
    }
}
