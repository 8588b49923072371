package dev.flotilla.model;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link UnitFacts} by unit name and hash, at most {@code maxEntries} of them; thread-safe. The name
 * is part of the key because [X-Fleet] specifiers ({@code %i}, {@code %n}) expand to it: the
 * instances of one template share a text but not their requirements.
 *
 * <p>When full, the entry put first goes (first in, first out). A hit takes no lock and writes
 * nothing, which matters as the engine looks up every unit of the cluster several times a pass; and
 * with the bound above the number of units a cluster holds, what goes is mostly the facts of texts
 * since replaced, so the order matters little. A miss parses outside the lock: two threads may parse
 * the same text, and the first one's facts are kept.
 */
final class UnitFactsCache {
    /**
     * Above the largest cluster Flotilla is meant for (100,000 units): an engine pass reads every
     * unit, and a cache smaller than that would evict each entry before the next pass needs it and
     * parse every text every pass. An entry holds the derived facts, not the text: about 400 bytes
     * for a usual unit (measured over 100,000 ten-line units), so a full cache is about 50 MiB, less
     * than the texts such a cluster's engine holds anyway.
     */
    static final int MAX_ENTRIES = 131_072;

    private record Key(String name, String hash) {
    }

    private final int maxEntries;
    private final Map<Key, UnitFacts> entries = new ConcurrentHashMap<>();
    /** The keys in the order they were put; guarded by itself, as are all changes of {@link #entries}. */
    private final ArrayDeque<Key> order = new ArrayDeque<>();

    UnitFactsCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    UnitFacts get(String name, String text, String hash) {
        Key key = new Key(name, hash);
        UnitFacts hit = entries.get(key);
        if (hit != null) {
            return hit;
        }
        UnitFacts read = UnitFacts.read(name, text, hash);
        synchronized (order) {
            UnitFacts raced = entries.get(key);
            if (raced != null) {
                return raced;
            }
            // Room first, then the entry: the map never holds more than the bound.
            while (order.size() >= maxEntries) {
                entries.remove(order.removeFirst());
            }
            entries.put(key, read);
            order.addLast(key);
        }
        return read;
    }

    int size() {
        return entries.size();
    }
}
