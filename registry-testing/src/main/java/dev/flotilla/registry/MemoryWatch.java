package dev.flotilla.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A watch of one key prefix of the in-memory cluster: a Snapshot, then every change in revision
 * order; while its client is cut off it hears nothing, and a new Snapshot follows the reconnection,
 * as after a gap in etcd.
 */
final class MemoryWatch<T> implements ProgressWatch {
    private final MemoryStore store;
    private final MemoryClient client;
    private final String prefix;
    private final Function<Object, T> decoder;
    private final Consumer<WatchEvent<T>> listener;
    private final Mailbox mailbox;
    /** Hears progress; null when nobody asked. */
    private java.util.function.LongConsumer caughtUp;
    private boolean live; // guarded by store
    private boolean closed; // guarded by store

    MemoryWatch(MemoryStore store, MemoryClient client, String prefix, Function<Object, T> decoder,
                Consumer<WatchEvent<T>> listener, Mailbox mailbox) {
        this.store = store;
        this.client = client;
        this.prefix = prefix;
        this.decoder = decoder;
        this.listener = listener;
        this.mailbox = mailbox;
    }

    MemoryWatch<T> reportingProgress(java.util.function.LongConsumer caughtUp) {
        this.caughtUp = caughtUp;
        return this;
    }

    /** As etcd: the store's revision, after every change already posted; nothing while cut off. */
    @Override
    public void requestProgress() {
        store.atomically(() -> {
            if (live && !closed && caughtUp != null) {
                long revision = store.revision();
                mailbox.post(() -> caughtUp.accept(revision));
            }
            return null;
        });
    }

    Mailbox mailbox() {
        return mailbox;
    }

    /** Lists the prefix and hears changes from here on. */
    void resync() {
        if (closed) {
            return;
        }
        live = true;
        Map<String, T> items = new HashMap<>();
        Map<String, Long> modRevisions = new HashMap<>();
        store.range(prefix).forEach((key, entry) -> {
            T item = decoder.apply(entry.value());
            if (item != null) { // a decoder may skip values it does not report
                items.put(key.substring(prefix.length()), item);
                modRevisions.put(key.substring(prefix.length()), entry.modRevision());
            }
        });
        post(new WatchEvent.Snapshot<>(items, store.revision(), modRevisions));
        endOfBatch(store.revision());
    }

    void pause() {
        live = false;
    }

    void changed(long revision, List<MemoryStore.Change> changes) {
        if (!live || closed) {
            return;
        }
        for (MemoryStore.Change c : changes) {
            if (!c.key().startsWith(prefix)) {
                continue;
            }
            String key = c.key().substring(prefix.length());
            if (c.now() != null) {
                T item = decoder.apply(c.now().value());
                if (item != null) {
                    post(new WatchEvent.Updated<>(key, item, revision));
                }
            } else {
                post(new WatchEvent.Removed<>(key, decoder.apply(c.previous().value()), revision));
            }
        }
        endOfBatch(revision);
    }

    private void endOfBatch(long complete) {
        if (caughtUp != null) {
            mailbox.post(() -> caughtUp.accept(complete));
        }
        if (listener instanceof RevisionBatcher.Batched b) {
            mailbox.post(b::endOfBatch);
        }
    }

    private void post(WatchEvent<T> event) {
        mailbox.post(() -> listener.accept(event));
    }

    /** Stops hearing changes; the caller closes the mailbox outside the store's monitor. */
    void detach() {
        closed = true;
        store.remove(this);
    }

    @Override
    public void close() {
        store.atomically(() -> {
            detach();
            client.forget(this);
        });
        mailbox.close();
    }
}
