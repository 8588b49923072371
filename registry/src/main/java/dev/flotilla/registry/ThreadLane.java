package dev.flotilla.registry;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A lane that is one daemon thread of its own (the default, {@link Lanes#dedicated()}). */
final class ThreadLane implements SerialLoop.Lane {
    private volatile Thread thread;
    private final ScheduledThreadPoolExecutor executor;

    ThreadLane(String threadName) {
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = SerialLoop.daemonThreads(threadName).newThread(r);
            thread = t;
            return t;
        });
        // Closing cancels the timers: a retry due later must not hold a shutdown up.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    @Override
    public boolean onLane() {
        return Thread.currentThread() == thread;
    }

    @Override
    public <T> T await(Future<T> f, Duration bound) throws InterruptedException, ExecutionException, TimeoutException {
        return bound == null ? f.get() : f.get(Math.max(1, bound.toMillis()), TimeUnit.MILLISECONDS);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public ScheduledFuture<?> every(Runnable task, long periodMs) {
        return executor.scheduleAtFixedRate(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public ScheduledFuture<?> everyAfter(Runnable task, long pauseMs) {
        return executor.scheduleWithFixedDelay(task, pauseMs, pauseMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdownNow() {
        for (Runnable dropped : executor.shutdownNow()) {
            if (dropped instanceof Future<?> f) {
                f.cancel(false); // its timer reads cancelled; a caller waiting for it gets null
            }
        }
    }

    @Override
    public void shutdownAndWait(Duration bound) throws InterruptedException {
        executor.shutdown();
        if (!onLane()) {
            executor.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
