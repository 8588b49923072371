package dev.flotilla.agent;

import dev.flotilla.systemd.JobResult;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.SystemdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Carries out a {@link Plan} on the agent thread: file writes and removals in the unit folder, one
 * call each for link, unlink, enable and disable, at most one reload, and starts/stops sent as
 * pipelined jobs whose ends come back through {@link JobEnds} (never waited for here). The memory is
 * updated only after each step succeeded.
 *
 * <p>Failures: a unit whose file can't be written, or that systemd refuses, is skipped for the rest of
 * the pass and reported in {@link Outcome#failed()} (the agent retries later). systemd being unreachable
 * aborts the pass ({@link SystemdException.Unavailable} propagates).
 */
final class PlanExecutor {
    private static final Logger log = LoggerFactory.getLogger(PlanExecutor.class);
    /** systemd ends every job by itself (TimeoutStartSec=/TimeoutStopSec=); this only guards against a lost JobRemoved. */
    private static final long JOB_GUARD_MINUTES = 15;

    /** Hears the end of a job, on the systemd client's event thread: hand it over, never block. */
    interface JobEnds {
        void ended(String name, long id, JobKind kind, JobResult result, Throwable error);
    }

    /** What a pass did. */
    record Outcome(List<String> started, List<String> stopped, List<String> written, List<String> removed,
                   Set<String> touched, Set<String> failed) {
    }

    private final Systemd systemd;
    private final UnitDirectory dir;
    private final LocalMemory memory;
    private final JobEnds ends;
    private final java.util.function.Consumer<Set<String>> beforeStarts;
    private final java.util.function.Consumer<String> starting;
    private long nextJobId;

    /**
     * {@code beforeStarts} gets the units whose files or links changed, once, before the first start (to
     * re-read their states); {@code starting} each unit right before its start or stop job is sent.
     */
    PlanExecutor(Systemd systemd, UnitDirectory dir, LocalMemory memory, JobEnds ends,
                 java.util.function.Consumer<Set<String>> beforeStarts, java.util.function.Consumer<String> starting) {
        this.systemd = systemd;
        this.dir = dir;
        this.memory = memory;
        this.ends = ends;
        this.beforeStarts = beforeStarts;
        this.starting = starting;
    }

    Outcome execute(Plan plan) {
        List<String> started = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        List<String> written = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        Set<String> touched = new HashSet<>();
        Set<String> failed = new HashSet<>();
        boolean statesRead = false;
        for (Action action : plan.actions()) {
            if (action instanceof Action.Stop a) {
                stop(a.name());
                stopped.add(a.name());
            } else if (action instanceof Action.ResetFailed a) {
                try {
                    systemd.resetFailed(a.name());
                } catch (SystemdException.Rejected e) {
                    log.warn("systemd refused to reset the failed state of {}: {}", a.name(), e.getMessage());
                }
            } else if (action instanceof Action.Unlink a) {
                List<String> names = without(a.names(), failed);
                if (batch("unlink", names, failed, () -> systemd.unlinkRuntime(names))) {
                    names.forEach(n -> {
                        memory.linked.remove(n);
                        memory.enabled.remove(n);
                    });
                    touched.addAll(names);
                }
            } else if (action instanceof Action.Remove a) {
                if (failed.contains(a.name())) {
                    continue;
                }
                try {
                    dir.remove(a.name());
                    memory.installed.remove(a.name());
                    removed.add(a.name());
                } catch (IOException | IllegalArgumentException e) {
                    log.error("cannot delete the unit file of {}: {}", a.name(), e.getMessage());
                    failed.add(a.name());
                }
            } else if (action instanceof Action.Disable a) {
                List<String> names = without(a.names(), failed);
                if (batch("disable", names, failed, () -> systemd.disableRuntime(names))) {
                    memory.enabled.removeAll(names);
                }
            } else if (action instanceof Action.Write a) {
                try {
                    dir.write(a.name(), a.text());
                    memory.installed.put(a.name(), a.hash());
                    written.add(a.name());
                    touched.add(a.name());
                } catch (IOException | IllegalArgumentException e) {
                    log.error("cannot write the unit file of {}: {}", a.name(), e.getMessage());
                    failed.add(a.name());
                }
            } else if (action instanceof Action.Link a) {
                List<String> names = without(a.names(), failed);
                List<Path> paths = names.stream().map(dir::path).toList();
                if (batch("link", names, failed, () -> systemd.linkRuntime(paths))) {
                    memory.linked.addAll(names);
                }
            } else if (action instanceof Action.Enable a) {
                List<String> names = without(a.names(), failed);
                if (batch("enable", names, failed, () -> systemd.enableRuntime(names))) {
                    memory.enabled.addAll(names);
                }
            } else if (action instanceof Action.Reload) {
                systemd.reload();
                touched.addAll(memory.installed.keySet());
            } else if (action instanceof Action.Forget a) {
                memory.launched.remove(a.name());
            } else if (action instanceof Action.MarkLaunched a) {
                memory.launched.put(a.name(), a.hash());
            } else if (action instanceof Action.Start a) {
                if (failed.contains(a.name())) {
                    continue;
                }
                if (!statesRead && !touched.isEmpty()) {
                    beforeStarts.accept(touched);
                    statesRead = true;
                }
                start(a.name(), a.hash());
                started.add(a.name());
            } else {
                throw new IllegalStateException("unknown action " + action);
            }
        }
        if (!statesRead && !touched.isEmpty()) {
            beforeStarts.accept(touched);
        }
        return new Outcome(started, stopped, written, removed, touched, failed);
    }

    private void start(String name, String hash) {
        memory.launched.put(name, hash);
        starting.accept(name);
        track(name, JobKind.START, () -> systemd.start(name));
    }

    private void stop(String name) {
        memory.launched.remove(name);
        starting.accept(name); // held as a start is: the state before the stop answers nothing
        track(name, JobKind.STOP, () -> systemd.stop(name));
    }

    /** Sends a job and records it as pending until its end is handed back to the agent thread. */
    CompletableFuture<JobResult> track(String name, JobKind kind, java.util.function.Supplier<CompletableFuture<JobResult>> send) {
        long id = ++nextJobId;
        CompletableFuture<JobResult> future;
        try {
            future = send.get().orTimeout(JOB_GUARD_MINUTES, TimeUnit.MINUTES);
        } catch (SystemdException e) {
            future = CompletableFuture.failedFuture(e);
        }
        memory.pending.put(name, new LocalMemory.PendingJob(kind, id, future));
        future.whenComplete((result, error) -> ends.ended(name, id, kind, result, error));
        return future;
    }

    private static List<String> without(List<String> names, Set<String> failed) {
        return failed.isEmpty() ? names : names.stream().filter(n -> !failed.contains(n)).toList();
    }

    /** One batch call; a refusal marks its names failed (the pass goes on without them). */
    private static boolean batch(String what, List<String> names, Set<String> failed, Runnable call) {
        if (names.isEmpty()) {
            return false;
        }
        try {
            call.run();
            return true;
        } catch (SystemdException.Rejected e) {
            log.error("systemd refused to {} {}: {}", what, names, e.getMessage());
            failed.addAll(names);
            return false;
        }
    }
}
