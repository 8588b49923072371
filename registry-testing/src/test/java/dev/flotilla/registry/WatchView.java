package dev.flotilla.registry;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A listener's view of watched items, rebuilt from the events exactly as consumers do, which
 * also checks the protocol: a Snapshot first, then events in revision order (several keys may
 * change in one revision), never one twice. A broken rule is kept in {@link #violation()}.
 */
public class WatchView<T> implements Consumer<WatchEvent<T>> {
    public final Map<String, T> items = new ConcurrentHashMap<>();
    public final List<WatchEvent<T>> events = new CopyOnWriteArrayList<>();
    private final Set<String> keysAtRevision = new HashSet<>();
    private long snapshotRevision = -1;
    private long revision;
    private volatile String violation;

    @Override
    public void accept(WatchEvent<T> event) {
        events.add(event);
        if (event instanceof WatchEvent.Snapshot<T> s) {
            snapshotRevision = s.revision();
            revision = s.revision();
            keysAtRevision.clear();
            items.clear();
            items.putAll(s.items());
            return;
        }
        String key = event instanceof WatchEvent.Updated<T> u ? u.key() : ((WatchEvent.Removed<T>) event).key();
        if (snapshotRevision < 0) {
            fail("an event before the first snapshot: " + event);
        } else if (event.revision() > revision) {
            revision = event.revision();
            keysAtRevision.clear();
            keysAtRevision.add(key);
        } else if (event.revision() < revision || event.revision() == snapshotRevision || !keysAtRevision.add(key)) {
            fail("event repeated or out of order: " + event);
        }
        if (event instanceof WatchEvent.Updated<T> u) {
            items.put(key, u.value());
        } else {
            items.remove(key);
        }
    }

    private void fail(String why) {
        violation = violation == null ? why : violation;
        throw new AssertionError(why);
    }

    /** The first broken rule, or null. */
    public String violation() {
        return violation;
    }

    public long snapshots() {
        return events.stream().filter(e -> e instanceof WatchEvent.Snapshot).count();
    }
}
