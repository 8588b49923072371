package dev.flotilla.registry;

import java.util.List;

/**
 * One page of a listing in key order, read at the cost of the page: its items, whether more follow,
 * the key (below the listing's prefix) the next page starts after, and the etcd revision it was read
 * at. That key is the last one read, which is the last item's unless an entry there was unreadable
 * (and left out).
 */
public record Page<T>(List<T> items, boolean more, String next, long revision) {
    public Page {
        items = List.copyOf(items);
    }

    /** The most items a page holds: a page of units at the size limit still fits one message. */
    public static final int MAX_ITEMS = 100;
}
