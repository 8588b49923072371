package dev.flotilla.systemd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Matches pipelined StartUnit/StopUnit/RestartUnit calls with the JobRemoved signals that end them.
 *
 * <p>Why not just by job path: dbus-java runs method replies and signals on different threads, so the
 * JobRemoved of a fast job (Type=simple is "done" right after fork) can be handled before the reply
 * that tells us its job path. A JobRemoved that finds no call waiting for that job path is therefore
 * parked under its unit name while a call for that unit still awaits its reply, and the reply then
 * picks it up by path. Jobs that systemd merged (two starts of one unit get one job) complete every
 * call holding that path. Correlation is thus by unit name for the early case and exact otherwise, so
 * an unrelated job of the same unit (e.g. one started by systemctl) never completes our future.
 *
 * <p>Futures are completed on {@code completer}, never on a dbus-java thread, so a caller's
 * non-async stages can't stall signal handling.
 */
final class JobTracker {

    /** One call waiting for its job to end. */
    static final class Pending {
        final String unit;
        final long generation;
        final CompletableFuture<JobResult> future = new CompletableFuture<>();
        private String job;
        private boolean finished;

        private Pending(String unit, long generation) {
            this.unit = unit;
            this.generation = generation;
        }
    }

    private final Executor completer;
    private final Object lock = new Object();
    /** Calls whose reply (job path) has not arrived yet, by unit name. */
    private final Map<String, List<Pending>> awaitingReply = new HashMap<>();
    /** Calls whose job is known and running, by job path. */
    private final Map<String, List<Pending>> byJob = new HashMap<>();
    /** JobRemoved seen while a call for the unit still awaited its reply: unit -> (job path -> result). */
    private final Map<String, Map<String, String>> early = new HashMap<>();

    JobTracker(Executor completer) {
        this.completer = completer;
    }

    /** Call before sending the method call, so that no signal can be missed. */
    Pending register(String unit, long generation) {
        Pending p = new Pending(unit, generation);
        synchronized (lock) {
            awaitingReply.computeIfAbsent(unit, k -> new ArrayList<>()).add(p);
        }
        return p;
    }

    /** The method call returned the job path. */
    void replied(Pending p, String jobPath) {
        String result = null;
        synchronized (lock) {
            if (p.finished) {
                return;
            }
            removeAwaiting(p);
            Map<String, String> parked = early.get(p.unit);
            if (parked != null) {
                result = parked.get(jobPath);
            }
            if (result == null) {
                p.job = jobPath;
                byJob.computeIfAbsent(jobPath, k -> new ArrayList<>()).add(p);
            } else {
                p.finished = true;
            }
            if (!awaitingReply.containsKey(p.unit)) {
                early.remove(p.unit);
            }
        }
        if (result != null) {
            complete(p, JobResult.fromSystemd(result));
        }
    }

    /** A JobRemoved signal. */
    void removed(String unit, String jobPath, String result) {
        List<Pending> done;
        synchronized (lock) {
            done = byJob.remove(jobPath);
            if (awaitingReply.containsKey(unit)) {
                // a call still waiting for its reply may name this job (ours first, or merged into it)
                early.computeIfAbsent(unit, k -> new HashMap<>()).put(jobPath, result);
            }
            if (done == null) {
                return;
            }
            for (Pending p : done) {
                p.finished = true;
            }
        }
        JobResult r = JobResult.fromSystemd(result);
        for (Pending p : done) {
            complete(p, r);
        }
    }

    /** The call ended without a job (e.g. stop of a unit that is not loaded). */
    void finish(Pending p, JobResult result) {
        if (take(p)) {
            complete(p, result);
        }
    }

    /** The call failed. */
    void fail(Pending p, Throwable error) {
        if (take(p)) {
            failLater(p, error);
        }
    }

    /** Fails every call whose connection generation matches, e.g. because that connection dropped. */
    int failAll(LongPredicate generation, Supplier<? extends Throwable> error) {
        List<Pending> failed = new ArrayList<>();
        synchronized (lock) {
            collect(awaitingReply.values().iterator(), generation, failed);
            collect(byJob.values().iterator(), generation, failed);
            early.keySet().retainAll(awaitingReply.keySet());
        }
        for (Pending p : failed) {
            failLater(p, error.get());
        }
        return failed.size();
    }

    /** Calls not yet finished (for tests and diagnostics). */
    int pending() {
        synchronized (lock) {
            return awaitingReply.values().stream().mapToInt(List::size).sum()
                    + byJob.values().stream().mapToInt(List::size).sum();
        }
    }

    private static void collect(Iterator<List<Pending>> lists, LongPredicate generation, List<Pending> out) {
        while (lists.hasNext()) {
            List<Pending> list = lists.next();
            for (Iterator<Pending> it = list.iterator(); it.hasNext();) {
                Pending p = it.next();
                if (generation.test(p.generation)) {
                    p.finished = true;
                    out.add(p);
                    it.remove();
                }
            }
            if (list.isEmpty()) {
                lists.remove();
            }
        }
    }

    private boolean take(Pending p) {
        synchronized (lock) {
            if (p.finished) {
                return false;
            }
            p.finished = true;
            if (p.job == null) {
                removeAwaiting(p);
                if (!awaitingReply.containsKey(p.unit)) {
                    early.remove(p.unit);
                }
            } else {
                List<Pending> list = byJob.get(p.job);
                if (list != null) {
                    list.remove(p);
                    if (list.isEmpty()) {
                        byJob.remove(p.job);
                    }
                }
            }
            return true;
        }
    }

    private void removeAwaiting(Pending p) {
        List<Pending> list = awaitingReply.get(p.unit);
        if (list != null) {
            list.remove(p);
            if (list.isEmpty()) {
                awaitingReply.remove(p.unit);
            }
        }
    }

    private void complete(Pending p, JobResult r) {
        run(() -> p.future.complete(r));
    }

    private void failLater(Pending p, Throwable error) {
        run(() -> p.future.completeExceptionally(error));
    }

    private void run(Runnable r) {
        try {
            completer.execute(r);
        } catch (RejectedExecutionException e) {
            r.run(); // client closed: complete on this thread rather than leave the future hanging
        }
    }
}
