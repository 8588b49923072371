package dev.flotilla.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One listener's callbacks, run one at a time in the order posted, on a delivery thread: never on
 * the thread that made the change, as with etcd, so a listener may call the registry freely.
 */
final class Mailbox {
    private static final Logger log = LoggerFactory.getLogger(Mailbox.class);
    private static final long CLOSE_WAIT_MS = TimeUnit.SECONDS.toMillis(2);

    private final Delivery delivery;
    private final String what;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean scheduled;
    private boolean closed;
    private Thread runner;

    Mailbox(Delivery delivery, String what) {
        this.delivery = delivery;
        this.what = what;
    }

    synchronized void post(Runnable callback) {
        if (closed) {
            return;
        }
        queue.add(callback);
        delivery.added();
        if (!scheduled) {
            scheduled = true;
            try {
                delivery.pool().execute(this::drain);
            } catch (RejectedExecutionException e) {
                // the cluster is closed: nothing more is delivered
                closed = true;
                scheduled = false;
                drop();
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    scheduled = false;
                    runner = null;
                    notifyAll();
                    return;
                }
                runner = Thread.currentThread();
            }
            try {
                next.run();
            } catch (RuntimeException | AssertionError e) {
                log.error("{} listener failed", what, e);
            } finally {
                delivery.done(1);
            }
        }
    }

    /** Waits until everything posted so far was delivered (not when called from this mailbox's own listener). */
    synchronized void awaitIdle() {
        long deadline = System.currentTimeMillis() + CLOSE_WAIT_MS;
        while (scheduled && runner != Thread.currentThread()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops delivery: what is queued is dropped; a listener running now may finish. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            drop();
        }
        awaitIdle();
    }

    private void drop() {
        int dropped = queue.size();
        queue.clear();
        delivery.done(dropped);
    }
}
