package dev.flotilla.registry;

import java.util.Map;

/**
 * What a watch delivers, in revision order. A {@link Snapshot} replaces everything the
 * listener knew (it comes first, and again after any gap such as a compaction or an etcd
 * restart); {@link Updated} and {@link Removed} follow it without gaps or repeats. Changes written
 * in one transaction share its revision, so revisions do not decrease but may repeat.
 */
public sealed interface WatchEvent<T> {
    long revision();

    record Snapshot<T>(Map<String, T> items, long revision) implements WatchEvent<T> {
        public Snapshot {
            items = Map.copyOf(items);
        }
    }

    record Updated<T>(String key, T value, long revision) implements WatchEvent<T> {
    }

    /** @param previous the last value, when etcd still had it */
    record Removed<T>(String key, T previous, long revision) implements WatchEvent<T> {
    }
}
