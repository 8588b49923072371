package dev.flotilla.registry;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lanes over one pool ({@link Lanes#shared}) of a fixed number of workers and one timer thread that
 * only hands each due task to its lane. Plain blocking work (an etcd call) holds its worker, so the
 * pool stays at its size. A lane that waits for another lane ({@link SerialLoop#call},
 * {@link SerialLoop#shutdownAndWait}) on a worker adds one worker for as long as it waits: with a
 * fixed pool, lanes waiting for lanes queued behind them could hold every worker (the agent's
 * presence waits for the agent's loop on each registration). (Not a {@code ForkJoinPool}: it would
 * add a worker for every {@code CompletableFuture.get} too, i.e. for every etcd call.)
 */
final class SharedLanes implements Lanes {
    private final int threads;
    private final AtomicInteger named = new AtomicInteger();
    final ThreadPoolExecutor workers;
    final ScheduledThreadPoolExecutor timers;
    /** Workers waiting for a lane now; guarded by this. */
    private int waiting;

    SharedLanes(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a shared pool needs at least one thread: " + threads);
        }
        this.threads = threads;
        this.workers = new ThreadPoolExecutor(threads, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Worker(this, r, "flotilla-lanes-" + named.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
        this.timers = new ScheduledThreadPoolExecutor(1, SerialLoop.daemonThreads("flotilla-lanes-timer"));
        timers.setRemoveOnCancelPolicy(true);
    }

    /** A worker of this pool, so that a wait on it is known to hold one of its workers. */
    private static final class Worker extends Thread {
        final SharedLanes owner;

        Worker(SharedLanes owner, Runnable r, String name) {
            super(r, name);
            this.owner = owner;
        }
    }

    /** Whether the calling thread is one of this pool's workers. */
    boolean onWorker() {
        return Thread.currentThread() instanceof Worker w && w.owner == this;
    }

    /** A worker starts or stops waiting for a lane: the pool is that much larger meanwhile. */
    synchronized void waiting(int delta) {
        waiting += delta;
        if (!workers.isShutdown()) {
            workers.setCorePoolSize(threads + waiting); // larger: starts a worker for what is queued
        }
    }

    @Override
    public SerialLoop lane(String name) {
        return new SerialLoop(name, new PooledLane(name, this));
    }

    @Override
    public void close() {
        timers.shutdownNow();
        workers.shutdownNow();
    }

    @Override
    public String toString() {
        return "shared(" + threads + ")";
    }
}
