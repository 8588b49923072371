package dev.flotilla.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Waits, with a deadline, for a key to be deleted. */
final class EtcdKeyWaiter {
    private EtcdKeyWaiter() {
    }

    /** Returns when the key was deleted after fromRevision, or when the deadline (nanoTime) passed. */
    static void awaitDeletion(EtcdConnection etcd, ByteSequence key, long fromRevision, long deadline) {
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        Watch.Listener listener = Watch.listener(
                response -> {
                    for (WatchEvent event : response.getEvents()) {
                        if (event.getEventType() == WatchEvent.EventType.DELETE) {
                            deleted.complete(null);
                        }
                    }
                },
                // On a watch error the caller simply reads again: that is the list-then-watch rule.
                deleted::completeExceptionally,
                () -> deleted.complete(null));
        try (Watch.Watcher ignored = etcd.client().getWatchClient().watch(key,
                WatchOption.builder().withRevision(fromRevision + 1).build(), listener)) {
            long remaining = deadline - System.nanoTime();
            if (remaining > 0) {
                deleted.get(remaining, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Timeout or watch failure: the caller re-reads the key and decides.
        }
    }
}
