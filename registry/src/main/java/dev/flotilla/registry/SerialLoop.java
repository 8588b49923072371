package dev.flotilla.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that owns a component's state (the engine's, the agent's, a watch's): every
 * change to that state is posted here, so it needs no locks. Posting after close does nothing,
 * since watch callbacks and timers may still fire while a component shuts down; a failed task is
 * logged and the loop goes on.
 */
public final class SerialLoop {
    private static final Logger log = LoggerFactory.getLogger(SerialLoop.class);

    private final String name;
    private volatile Thread thread;
    private final ScheduledExecutorService executor;

    public SerialLoop(String threadName) {
        this.name = threadName;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = daemonThreads(threadName).newThread(r);
            thread = t;
            return t;
        });
    }

    /** Threads that do not keep the JVM alive, all of one name (what every pool of the daemon uses). */
    public static ThreadFactory daemonThreads(String threadName) {
        return r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs the task on the loop's thread, unless the loop is closed; a failure is logged. */
    public void post(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("{}: task failed", name, e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Runs on the loop's thread and waits; null if the loop is closed. */
    public <T> T call(Callable<T> task) {
        try {
            return executor.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs the task here if this is the loop's thread, else on it and waits (not at all if it is closed). */
    public void run(Runnable task) {
        if (Thread.currentThread() == thread) {
            task.run();
        } else {
            call(() -> {
                task.run();
                return null;
            });
        }
    }

    /** @throws RejectedExecutionException if the loop is closed */
    public ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    /** At a fixed rate. @throws RejectedExecutionException if the loop is closed */
    public ScheduledFuture<?> every(Runnable task, long periodMs) {
        return executor.scheduleAtFixedRate(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** With a fixed pause between the end of one run and the start of the next. */
    public ScheduledFuture<?> everyAfter(Runnable task, long pauseMs) {
        return executor.scheduleWithFixedDelay(task, pauseMs, pauseMs, TimeUnit.MILLISECONDS);
    }

    /** Stops at once: queued tasks are dropped. */
    public void shutdownNow() {
        executor.shutdownNow();
    }

    /** Runs what is queued, then stops; waits up to the bound for that. */
    public void shutdownAndWait(Duration bound) {
        executor.shutdown();
        try {
            executor.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
