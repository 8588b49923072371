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

    /**
     * A page of one machine's part of a listing keyed "machine/rest" (as unit states are): the token
     * is brought into the machine's keys (one before them means its first page; one past them, nothing
     * left), {@code below} reads the page of the machine's subtree after a key relative to it, and
     * the answer's token is made whole again. The one rule for etcd's and the memory store's pages.
     */
    static <T> Page<T> ofMachine(String machineId, String after, java.util.function.Function<String, Page<T>> below) {
        String machinePart = machineId + "/";
        if (!after.isEmpty() && after.compareTo(machinePart) < 0) {
            after = "";
        } else if (!after.isEmpty() && !after.startsWith(machinePart)) {
            return new Page<>(List.of(), false, after, 0);
        }
        Page<T> page = below.apply(after.isEmpty() ? "" : after.substring(machinePart.length()));
        return new Page<>(page.items(), page.more(), machinePart + page.next(), page.revision());
    }
}
