package dev.flotilla.registry;

import java.util.Map;
import java.util.function.Function;

/**
 * What a watch delivers, in revision order. A {@link Snapshot} replaces everything the
 * listener knew (it comes first, and again after any gap such as a compaction or an etcd
 * restart); {@link Updated} and {@link Removed} follow it without gaps or repeats. Changes written
 * in one transaction share its revision, so revisions do not decrease but may repeat.
 */
public sealed interface WatchEvent<T> {
    long revision();

    /**
     * What a listener that mirrors a watch does with each event: a Snapshot clears and puts every
     * item, Updated puts, Removed removes. The one fold of watch events into a listener's state.
     */
    interface Fold<T> {
        void clear();

        void put(String key, T value);

        /** @param previous the last value, or null when etcd no longer had it */
        void remove(String key, T previous);
    }

    /** Applies this event to the fold. */
    default void foldInto(Fold<? super T> fold) {
        if (this instanceof Snapshot<T> s) {
            fold.clear();
            s.items().forEach(fold::put);
        } else if (this instanceof Updated<T> u) {
            fold.put(u.key(), u.value());
        } else if (this instanceof Removed<T> r) {
            fold.remove(r.key(), r.previous());
        }
    }

    /** Applies this event to a map of the watched items, key for key. */
    default void applyTo(Map<String, T> items) {
        applyTo(items, Function.identity());
    }

    /** Applies this event to a map of the watched items, each value converted on the way in. */
    default <R> void applyTo(Map<String, R> items, Function<? super T, ? extends R> convert) {
        foldInto(new Fold<T>() {
            @Override
            public void clear() {
                items.clear();
            }

            @Override
            public void put(String key, T value) {
                items.put(key, convert.apply(value));
            }

            @Override
            public void remove(String key, T previous) {
                items.remove(key);
            }
        });
    }

    /**
     * @param modRevisions each item's modification revision (its last write), where the source
     *                     knows it; empty for snapshots made up from others
     */
    record Snapshot<T>(Map<String, T> items, long revision, Map<String, Long> modRevisions) implements WatchEvent<T> {
        public Snapshot {
            items = Map.copyOf(items);
            modRevisions = Map.copyOf(modRevisions);
        }

        public Snapshot(Map<String, T> items, long revision) {
            this(items, revision, Map.of());
        }

        /** The item's modification revision, 0 when not known. */
        public long modRevision(String key) {
            return modRevisions.getOrDefault(key, 0L);
        }
    }

    record Updated<T>(String key, T value, long revision) implements WatchEvent<T> {
    }

    /** @param previous the last value, when etcd still had it */
    record Removed<T>(String key, T previous, long revision) implements WatchEvent<T> {
    }
}
