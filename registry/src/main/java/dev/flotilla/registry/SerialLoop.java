package dev.flotilla.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;

/**
 * A serial lane that owns a component's state (the engine's, the agent's, a watch's): every change
 * to that state is posted here, so it needs no locks. Its tasks never overlap and run in the order
 * posted. Posting after close does nothing, since watch callbacks and timers may still fire while a
 * component shuts down; closing cancels the lane's timers; a failed task (posted or timed) is logged
 * and the lane goes on.
 *
 * <p>{@code new SerialLoop(name)} is one daemon thread of that name; {@link Lanes#shared} makes
 * lanes over a shared pool, with the same semantics ({@link Lanes}).
 */
public final class SerialLoop {
    private static final Logger log = LoggerFactory.getLogger(SerialLoop.class);

    private final String name;
    private final Lane lane;

    /** A lane of its own thread, named {@code threadName}. */
    public SerialLoop(String threadName) {
        this(threadName, new ThreadLane(threadName));
    }

    SerialLoop(String name, Lane lane) {
        this.name = name;
        this.lane = lane;
    }

    /** Threads that do not keep the JVM alive, all of one name (what every pool of the daemon uses). */
    public static ThreadFactory daemonThreads(String threadName) {
        return r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        };
    }

    public String name() {
        return name;
    }

    /** Runs the task on the lane, unless it is closed; a failure is logged. */
    public void post(Runnable task) {
        try {
            lane.execute(logged(task));
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Runs on the lane and waits; null if the lane is closed (or closes before running it). */
    public <T> T call(Callable<T> task) {
        try {
            return call(task, null);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e); // no bound, no timeout
        }
    }

    /**
     * Runs on the lane and waits at most {@code bound} (null: no bound); null if the lane is closed.
     *
     * @throws TimeoutException the task did not finish within the bound (it may still run)
     */
    public <T> T call(Callable<T> task, Duration bound) throws TimeoutException {
        if (lane.onLane()) { // waiting for itself would never end
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return lane.await(lane.submit(task), bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        } catch (RejectedExecutionException | CancellationException e) {
            return null;
        }
    }

    /** Runs the task here if this is the lane, else on it and waits (not at all if it is closed). */
    public void run(Runnable task) {
        if (lane.onLane()) {
            task.run();
        } else {
            call(() -> {
                task.run();
                return null;
            });
        }
    }

    /** Whether the calling thread is running this lane's task now. */
    public boolean onLane() {
        return lane.onLane();
    }

    /** @throws RejectedExecutionException if the lane is closed */
    public ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return lane.schedule(logged(task), delayMs);
    }

    /** At a fixed rate (a run that is late is not made up twice). @throws RejectedExecutionException if the lane is closed */
    public ScheduledFuture<?> every(Runnable task, long periodMs) {
        return lane.every(logged(task), periodMs);
    }

    /** With a fixed pause between the end of one run and the start of the next. @throws RejectedExecutionException if closed */
    public ScheduledFuture<?> everyAfter(Runnable task, long pauseMs) {
        return lane.everyAfter(logged(task), pauseMs);
    }

    /** Stops at once: queued tasks are dropped, timers cancelled. */
    public void shutdownNow() {
        lane.shutdownNow();
    }

    /** Refuses new tasks, cancels the timers, runs what is queued; waits up to the bound for that. */
    public void shutdownAndWait(Duration bound) {
        try {
            lane.shutdownAndWait(bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Runnable logged(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{}: task failed", name, e);
            }
        };
    }

    /** How a lane runs: a thread of its own, or a turn on a shared pool. */
    sealed interface Lane permits ThreadLane, PooledLane {
        /** @throws RejectedExecutionException if closed */
        void execute(Runnable task);

        /** @throws RejectedExecutionException if closed; the future is cancelled if the lane drops it */
        <T> java.util.concurrent.Future<T> submit(Callable<T> task);

        boolean onLane();

        <T> T await(java.util.concurrent.Future<T> f, Duration bound)
                throws InterruptedException, ExecutionException, TimeoutException;

        ScheduledFuture<?> schedule(Runnable task, long delayMs);

        ScheduledFuture<?> every(Runnable task, long periodMs);

        ScheduledFuture<?> everyAfter(Runnable task, long pauseMs);

        void shutdownNow();

        void shutdownAndWait(Duration bound) throws InterruptedException;
    }
}
