package dev.flotilla.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a watch's events into whole revisions: a Snapshot alone, or every change of one revision
 * in one list. Watches call {@link #endOfBatch()} after each etcd response (which never splits a
 * revision) and after each Snapshot, so a revision is handed on only once it is complete.
 * Called on the watch's one delivery thread.
 */
final class RevisionBatcher<T> implements Consumer<WatchEvent<T>> {
    /** Implemented by listeners that want to hear where a watch's delivery of one response ends. */
    interface Batched {
        void endOfBatch();
    }

    private final Consumer<List<WatchEvent<T>>> listener;
    private final java.util.function.UnaryOperator<WatchEvent<T>> filter;
    private final List<WatchEvent<T>> pending = new ArrayList<>();

    /** @param filter the event to pass on, possibly changed, or null to drop it */
    RevisionBatcher(Consumer<List<WatchEvent<T>>> listener, java.util.function.UnaryOperator<WatchEvent<T>> filter) {
        this.listener = listener;
        this.filter = filter;
    }

    /** The listener for PrefixWatcher and MemoryWatch: they call {@link #endOfBatch()} through it. */
    Consumer<WatchEvent<T>> asWatchListener() {
        return new Listener();
    }

    private final class Listener implements Consumer<WatchEvent<T>>, Batched {
        @Override
        public void accept(WatchEvent<T> event) {
            RevisionBatcher.this.accept(event);
        }

        @Override
        public void endOfBatch() {
            RevisionBatcher.this.endOfBatch();
        }
    }

    @Override
    public void accept(WatchEvent<T> received) {
        WatchEvent<T> event = filter.apply(received);
        if (event == null) {
            return;
        }
        if (event instanceof WatchEvent.Snapshot<T>) {
            endOfBatch();
            listener.accept(List.of(event));
            return;
        }
        if (!pending.isEmpty() && pending.get(pending.size() - 1).revision() != event.revision()) {
            endOfBatch();
        }
        pending.add(event);
    }

    void endOfBatch() {
        if (!pending.isEmpty()) {
            List<WatchEvent<T>> revision = List.copyOf(pending);
            pending.clear();
            listener.accept(revision);
        }
    }
}
