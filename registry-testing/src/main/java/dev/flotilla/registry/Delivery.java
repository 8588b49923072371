package dev.flotilla.registry;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run an in-memory cluster's listeners, and the count of callbacks not yet run,
 * so a test can wait until everything the cluster has to say was heard.
 */
final class Delivery implements AutoCloseable {
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "flotilla-memory-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private long pending;

    Mailbox mailbox(String what) {
        return new Mailbox(this, what);
    }

    ExecutorService pool() {
        return pool;
    }

    synchronized void added() {
        pending++;
    }

    synchronized void done(int count) {
        pending -= count;
        if (pending == 0) {
            notifyAll();
        }
    }

    /** Returns once no callback is queued or running; a listener's own writes are counted before it returns. */
    synchronized void awaitQuiet(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (pending > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("the in-memory cluster was not quiet within " + bound.toMillis()
                        + " ms: " + pending + " callbacks queued or running (is a listener blocked?)");
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the in-memory cluster to be quiet", e);
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
