package dev.flotilla.registry;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Lanes over one pool ({@link Lanes#shared}). The workers are a {@link ForkJoinPool} because a lane
 * that waits for another lane does so in {@link ForkJoinPool#managedBlock}, and the pool then adds a
 * spare worker: with a fixed pool, lanes waiting for lanes queued behind them would hold every
 * worker (the agent's presence waits for the agent's loop on each registration). Plain blocking
 * work (an etcd call) holds its worker, so the pool stays at its size otherwise. The timers are one
 * thread that only hands each due task to its lane.
 */
final class SharedLanes implements Lanes {
    /** Spares the pool may add for lanes waiting on lanes; far above what a process waits at once. */
    private static final int MAX_SPARES = 10_000;

    private final int threads;
    final ForkJoinPool workers;
    final ScheduledThreadPoolExecutor timers;

    SharedLanes(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a shared pool needs at least one thread: " + threads);
        }
        this.threads = threads;
        this.workers = new ForkJoinPool(threads, pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("flotilla-lanes-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, true, 0, threads + MAX_SPARES, 1, pool -> true, 30, TimeUnit.SECONDS);
        this.timers = new ScheduledThreadPoolExecutor(1, SerialLoop.daemonThreads("flotilla-lanes-timer"));
        timers.setRemoveOnCancelPolicy(true);
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
