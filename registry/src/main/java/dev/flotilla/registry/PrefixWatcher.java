package dev.flotilla.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * List-then-watch over one key prefix. Lists (a {@link WatchEvent.Snapshot}), watches from the
 * list's revision + 1, and on any break (compaction, etcd restart, stream end) lists again.
 * Events are delivered on one serial lane ({@link EtcdConfig#lanes()}), in revision order (all keys of a multi-key write share its
 * revision); anything at or below a revision already delivered is dropped, so nothing is seen twice.
 */
final class PrefixWatcher<T> implements ProgressWatch {
    private static final Logger log = LoggerFactory.getLogger(PrefixWatcher.class);
    private static final long MAX_BACKOFF_MS = 2000;

    /** Turns a key below the prefix and its value into the watcher's item; null skips it. */
    interface Decoder<T> {
        T decode(String relativeKey, ByteSequence value);
    }

    private final EtcdConnection etcd;
    private final String prefix;
    private final Decoder<T> decoder;
    private final Consumer<WatchEvent<T>> listener;
    private final SerialLoop thread;
    private final String what;
    private long lastRevision;
    private Watch.Watcher watcher;
    private long backoffMs = 100;
    private boolean failing;
    private volatile boolean closed;
    /** Hears progress notices; null when nobody asked. */
    private java.util.function.LongConsumer caughtUp;
    /** Which watcher is current; touched only on the watcher's thread. */
    private long generation;

    PrefixWatcher(EtcdConnection etcd, String prefix, Decoder<T> decoder, Consumer<WatchEvent<T>> listener, String what) {
        this.etcd = etcd;
        this.prefix = prefix;
        this.decoder = decoder;
        this.listener = listener;
        this.what = what;
        this.thread = etcd.lanes().lane("flotilla-watch-" + what);
    }

    /** Before {@link #start()}: where the revisions of progress notices go. */
    PrefixWatcher<T> reportingProgress(java.util.function.LongConsumer caughtUp) {
        this.caughtUp = caughtUp;
        return this;
    }

    /**
     * etcd answers on every watch stream of this client (jetcd asks them all); the others ignore
     * the notice.
     */
    @Override
    public void requestProgress() {
        if (!closed) {
            etcd.client().getWatchClient().requestProgress();
        }
    }

    PrefixWatcher<T> start() {
        thread.post(this::list);
        return this;
    }

    /**
     * Watches from {@code afterRevision + 1} without listing first, for a listener that already
     * knows the state at that revision; if etcd compacted it away, starts with a Snapshot.
     */
    PrefixWatcher<T> startAfter(long afterRevision) {
        if (afterRevision <= 0) {
            return start();
        }
        thread.post(() -> {
            if (!closed) {
                lastRevision = afterRevision;
                watchFrom(afterRevision + 1);
            }
        });
        return this;
    }

    private void list() {
        if (closed) {
            return;
        }
        Map<String, T> items = new HashMap<>();
        Map<String, Long> modRevisions = new HashMap<>();
        long revision;
        try {
            revision = PagedRange.read(etcd.client().getKVClient(), Keys.bytes(prefix), "list " + what, () -> {
                        items.clear();
                        modRevisions.clear();
                    },
                    page -> {
                        for (KeyValue kv : page) {
                            String key = relative(kv.getKey());
                            T item = decodeQuietly(key, kv.getValue());
                            if (item != null) {
                                items.put(key, item);
                                modRevisions.put(key, kv.getModRevision());
                            }
                        }
                    });
        } catch (RegistryException e) {
            retryLater("cannot list " + what + ": " + e.getMessage());
            return;
        }
        if (failing) {
            log.info("watch of {} recovered at revision {}", what, revision);
            failing = false;
        }
        backoffMs = 100;
        lastRevision = revision;
        deliver(new WatchEvent.Snapshot<>(items, revision, modRevisions));
        endOfBatch();
        watchFrom(revision + 1);
    }

    private void watchFrom(long revision) {
        // A broken stream may report twice (an error, then completion); only the current
        // watcher's first report leads to a new list.
        long mine = ++generation;
        watcher = etcd.client().getWatchClient().watch(Keys.bytes(prefix),
                WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(revision).build(),
                Watch.listener(r -> onThread(() -> {
                            if (mine == generation) {
                                onEvents(r);
                            }
                        }),
                        e -> onThread(() -> {
                            if (mine == generation) {
                                onBroken(e);
                            }
                        }),
                        () -> onThread(() -> {
                            if (mine == generation) {
                                onBroken(null);
                            }
                        })));
    }

    /** Callbacks from jetcd may still arrive after close (e.g. when the client shuts down). */
    private void onThread(Runnable task) {
        thread.post(task); // closed: nothing more to deliver
    }

    private void onEvents(WatchResponse response) {
        if (closed) {
            return;
        }
        if (response.getEvents().isEmpty()) {
            // A progress notice. It does not move lastRevision: etcd 3.4 can send one ahead of an
            // event still in flight, and that event must not then be dropped as a repeat.
            if (caughtUp != null && response.isProgressNotify()) {
                reportProgress(response.getHeader().getRevision());
            }
            return;
        }
        // One write can change several keys at one revision; etcd never splits a revision across
        // responses, so only revisions delivered by earlier responses (or the list) are repeats.
        long delivered = lastRevision;
        for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            long revision = kv.getModRevision();
            if (revision <= delivered) {
                continue;
            }
            lastRevision = Math.max(lastRevision, revision);
            String key = relative(kv.getKey());
            switch (event.getEventType()) {
                case PUT -> {
                    T item = decodeQuietly(key, kv.getValue());
                    if (item != null) {
                        deliver(new WatchEvent.Updated<>(key, item, revision));
                    }
                }
                case DELETE -> {
                    KeyValue prev = event.getPrevKV();
                    T previous = prev == null || prev.getValue().isEmpty() ? null : decodeQuietly(key, prev.getValue());
                    deliver(new WatchEvent.Removed<>(key, previous, revision));
                }
                default -> {
                    // UNRECOGNIZED: nothing to deliver
                }
            }
        }
        endOfBatch();
    }

    private void endOfBatch() {
        if (caughtUp != null) {
            reportProgress(lastRevision); // etcd never splits a revision across responses: this one is whole
        }
        if (listener instanceof RevisionBatcher.Batched b) {
            try {
                b.endOfBatch();
            } catch (RuntimeException e) {
                log.error("{} watch listener failed at the end of a batch", what, e);
            }
        }
    }

    private void onBroken(Throwable error) {
        if (closed) {
            return;
        }
        closeWatcher();
        generation++;
        if (error instanceof CompactedException || error != null && error.getCause() instanceof CompactedException) {
            log.info("watch of {} fell behind a compaction; listing again", what);
            thread.post(this::list);
            return;
        }
        retryLater("watch of " + what + " broke: " + (error == null ? "stream ended" : LeaseKeeper.rootMessage(error)));
    }

    private void retryLater(String why) {
        if (closed) {
            return;
        }
        if (!failing) {
            log.warn("{}; retrying until etcd answers", why);
            failing = true;
        }
        try {
            thread.schedule(this::list, backoffMs);
        } catch (RejectedExecutionException e) {
            return; // closed
        }
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }

    private T decodeQuietly(String key, ByteSequence value) {
        try {
            return decoder.decode(key, value);
        } catch (RuntimeException e) {
            log.warn("skipping unreadable {} entry {}: {}", what, key, e.getMessage());
            return null;
        }
    }

    private void reportProgress(long revision) {
        try {
            caughtUp.accept(revision);
        } catch (RuntimeException e) {
            log.error("{} watch progress listener failed", what, e);
        }
    }

    private void deliver(WatchEvent<T> event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            log.error("{} watch listener failed on {}", what, event.getClass().getSimpleName(), e);
        }
    }

    private String relative(ByteSequence key) {
        return Keys.string(key).substring(prefix.length());
    }

    private void closeWatcher() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        onThread(this::closeWatcher);
        thread.shutdownAndWait(Duration.ofSeconds(2));
    }
}
