package dev.flotilla.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A lane over a shared pool ({@link SharedLanes}): its tasks wait in the lane's own queue, and at
 * most one turn of the lane is queued or running on the pool at a time, so they never overlap and
 * keep their order. A turn runs up to {@link #TURN} tasks, then gives its worker to the other lanes.
 * Timers are kept by the pool's timer thread, which only hands a due task to the lane.
 */
final class PooledLane implements SerialLoop.Lane {
    private static final Logger log = LoggerFactory.getLogger(PooledLane.class);
    /** Tasks one turn runs before the lane queues itself again behind the other lanes. */
    static final int TURN = 64;

    private final String name;
    private final SharedLanes pool;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** A turn of this lane is queued on the pool or running: the lane's mutual exclusion. */
    private final AtomicBoolean turnTaken = new AtomicBoolean();
    private final Set<Timer> timers = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();
    private volatile Thread runner;
    private volatile boolean closed;
    private volatile boolean dropping;

    PooledLane(String name, SharedLanes pool) {
        this.name = name;
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException(name + " is closed");
        }
        queue.add(task);
        kick();
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        FutureTask<T> f = new FutureTask<>(task);
        execute(f);
        return f;
    }

    private void kick() {
        if (turnTaken.compareAndSet(false, true)) {
            try {
                pool.workers.execute(this::turn);
            } catch (RejectedExecutionException e) { // the pool is closed: so is every lane of it
                closed = true;
                turnTaken.set(false);
            }
        }
    }

    private void turn() {
        runner = Thread.currentThread();
        try {
            for (int i = 0; i < TURN; i++) {
                Runnable task = queue.poll();
                if (task == null) {
                    break;
                }
                if (dropping) {
                    drop(task);
                    continue;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("{}: task failed", name, e);
                }
            }
        } finally {
            runner = null;
            turnTaken.set(false);
            if (!queue.isEmpty()) {
                kick();
            }
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private static void drop(Runnable task) {
        if (task instanceof Future<?> f) {
            f.cancel(false); // whoever waits for it learns it will not run
        }
    }

    @Override
    public boolean onLane() {
        return runner == Thread.currentThread();
    }

    @Override
    public <T> T await(Future<T> f, Duration bound) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = bound == null ? Long.MAX_VALUE : System.nanoTime() + bound.toNanos();
        block(f::isDone, deadline, left -> {
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException | CancellationException | TimeoutException e) {
                // the caller reads the outcome below
            }
        });
        return f.get(0, TimeUnit.NANOSECONDS);
    }

    /** Waits until done or the deadline; a worker of the pool waiting here is replaced meanwhile. */
    private void block(BooleanSupplier done, long deadline, Waiting waiting) throws InterruptedException {
        boolean worker = pool.onWorker();
        if (worker) {
            pool.waiting(1);
        }
        try {
            while (!done.getAsBoolean()) {
                long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                waiting.waitAtMost(left);
            }
        } finally {
            if (worker) {
                pool.waiting(-1);
            }
        }
    }

    private interface Waiting {
        void waitAtMost(long nanos) throws InterruptedException;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return add(new Timer(task, false, 0)).arm(Math.max(0, delayMs));
    }

    @Override
    public ScheduledFuture<?> every(Runnable task, long periodMs) {
        Timer t = add(new Timer(task, true, 0));
        try {
            t.next = pool.timers.scheduleAtFixedRate(t::fire, periodMs, periodMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            t.cancel(false);
            throw e;
        }
        return t;
    }

    @Override
    public ScheduledFuture<?> everyAfter(Runnable task, long pauseMs) {
        return add(new Timer(task, true, Math.max(1, pauseMs))).arm(Math.max(1, pauseMs));
    }

    private Timer add(Timer t) {
        if (closed) {
            throw new RejectedExecutionException(name + " is closed");
        }
        timers.add(t);
        return t;
    }

    @Override
    public void shutdownNow() {
        closed = true;
        dropping = true;
        cancelTimers();
        Runnable task;
        while ((task = queue.poll()) != null) {
            drop(task);
        }
    }

    @Override
    public void shutdownAndWait(Duration bound) throws InterruptedException {
        closed = true;
        cancelTimers();
        if (onLane()) {
            return; // the rest of the queue runs after this task
        }
        long deadline = System.nanoTime() + bound.toNanos();
        block(this::drained, deadline, left -> {
            synchronized (idle) {
                if (!drained()) {
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                }
            }
        });
    }

    private boolean drained() {
        return queue.isEmpty() && !turnTaken.get();
    }

    private void cancelTimers() {
        for (Timer t : timers) {
            t.cancel(false);
        }
    }

    /**
     * A timed task of this lane: due, it is handed to the lane (at most one run of it queued at a
     * time, so a slow lane does not pile up runs of a periodic task). {@code pauseMs} > 0: re-armed
     * that long after each run ends (fixed delay); else one-shot or at a fixed rate.
     */
    private final class Timer implements ScheduledFuture<Object> {
        private final Runnable task;
        private final boolean periodic;
        private final long pauseMs;
        private final AtomicBoolean queued = new AtomicBoolean();
        private final CompletableFuture<Object> outcome = new CompletableFuture<>();
        private volatile ScheduledFuture<?> next;

        Timer(Runnable task, boolean periodic, long pauseMs) {
            this.task = task;
            this.periodic = periodic;
            this.pauseMs = pauseMs;
        }

        Timer arm(long delayMs) {
            try {
                next = pool.timers.schedule(this::fire, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                cancel(false);
                throw e;
            }
            return this;
        }

        /** The timer thread: hand the task to the lane. */
        private void fire() {
            if (outcome.isDone() || !queued.compareAndSet(false, true)) {
                return;
            }
            try {
                execute(this::runOnLane);
            } catch (RejectedExecutionException e) {
                cancel(false);
            }
        }

        private void runOnLane() {
            queued.set(false);
            if (outcome.isDone()) {
                return; // cancelled after it was handed over
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{}: timed task failed", name, e);
            }
            if (!periodic) {
                outcome.complete(null);
                timers.remove(this);
            } else if (pauseMs > 0 && !outcome.isDone()) {
                try {
                    arm(pauseMs);
                } catch (RejectedExecutionException e) {
                    // the pool is closed
                }
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = outcome.cancel(false);
            ScheduledFuture<?> n = next;
            if (n != null) {
                n.cancel(false);
            }
            timers.remove(this);
            return cancelled;
        }

        @Override
        public boolean isCancelled() {
            return outcome.isCancelled();
        }

        @Override
        public boolean isDone() {
            return outcome.isDone();
        }

        @Override
        public Object get() throws InterruptedException, ExecutionException {
            return outcome.get();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return outcome.get(timeout, unit);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            ScheduledFuture<?> n = next;
            return n == null ? 0 : n.getDelay(unit);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
