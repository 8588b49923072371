package dev.flotilla.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The agent's one thread ("flotilla-agent"): everything the agent owns is touched only here. */
final class AgentLoop {
    private static final Logger log = LoggerFactory.getLogger(AgentLoop.class);

    private volatile Thread thread;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flotilla-agent");
        t.setDaemon(true);
        thread = t;
        return t;
    });

    /** Runs the task on the agent thread, unless it is gone; a failure is logged. */
    void post(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("agent task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Runs on the agent thread and waits; null if the agent thread is gone. */
    <T> T call(Callable<T> task) {
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

    /** Runs the task here if this is the agent thread, else on it and waits (not at all if it is gone). */
    void run(Runnable task) {
        if (Thread.currentThread() == thread) {
            task.run();
        } else {
            call(() -> {
                task.run();
                return null;
            });
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    ScheduledFuture<?> every(Runnable task, long periodMs) {
        return executor.scheduleAtFixedRate(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    void shutdown() {
        executor.shutdownNow();
    }
}
