package dev.flotilla.agent;

import dev.flotilla.systemd.JobResult;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.SystemdException;
import dev.flotilla.systemd.UnitStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A clean shutdown's work on the units: stop all that run, then unload them all with one reload. */
final class UnitShutdown {
    private static final Logger log = LoggerFactory.getLogger(UnitShutdown.class);

    private final Systemd systemd;
    private final UnitDirectory dir;
    private final LocalMemory memory;
    private final StatusBoard board;
    private final StatusReads reads;
    private final PlanExecutor executor;

    UnitShutdown(Systemd systemd, UnitDirectory dir, LocalMemory memory, StatusBoard board, StatusReads reads,
                 PlanExecutor executor) {
        this.systemd = systemd;
        this.dir = dir;
        this.memory = memory;
        this.board = board;
        this.reads = reads;
        this.executor = executor;
    }

    /** Sends a stop to every unit that runs or is starting; the jobs to wait for. Agent thread. */
    List<CompletableFuture<JobResult>> stopAll() {
        Set<String> names = memory.names();
        if (names.isEmpty()) {
            return List.of();
        }
        board.interest(names);
        reads.read(names);
        List<String> toStop = new ArrayList<>();
        for (String n : names) {
            LocalMemory.PendingJob job = memory.pending.get(n);
            UnitStatus st = board.get(n);
            if (job != null && job.kind() == JobKind.START
                    || job == null && st != null && (LocalState.isUp(st) || LocalState.isDeactivating(st))) {
                toStop.add(n);
            }
        }
        log.info("stopping {} units before leaving", toStop.size());
        List<CompletableFuture<JobResult>> out = new ArrayList<>();
        for (String n : toStop) {
            memory.launched.remove(n);
            out.add(executor.track(n, JobKind.STOP, () -> systemd.stop(n)));
        }
        memory.pending.values().forEach(j -> out.add(j.future()));
        return out;
    }

    /** Waits for the jobs, up to the deadline (System.nanoTime()). Any thread but the agent's. */
    static void await(List<CompletableFuture<JobResult>> jobs, long deadline, Duration stopTimeout) {
        try {
            CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // a failed job is logged when it ends; the unit is unloaded anyway
        } catch (TimeoutException e) {
            long open = jobs.stream().filter(f -> !f.isDone()).count();
            log.warn("{} units did not stop within {} s; unloading them anyway", open, stopTimeout.toSeconds());
        }
    }

    /**
     * Resets failed units, unlinks all in one call, deletes their files, reloads once. Agent thread.
     *
     * @return false if there was nothing to unload
     */
    boolean unloadAll() {
        List<String> names = new ArrayList<>(memory.installed.keySet());
        if (names.isEmpty()) {
            return false;
        }
        try {
            reads.read(new HashSet<>(names));
            for (String n : names) {
                UnitStatus st = board.get(n);
                if (st != null && st.isFailed()) {
                    systemd.resetFailed(n);
                }
            }
            systemd.unlinkRuntime(names);
            for (String n : names) {
                try {
                    dir.remove(n);
                } catch (IOException | IllegalArgumentException e) {
                    log.warn("cannot delete the unit file of {}: {}", n, e.getMessage());
                }
            }
            systemd.reload();
            memory.installed.clear();
            memory.linked.clear();
            memory.enabled.clear();
            log.info("unloaded {} units", names.size());
        } catch (SystemdException e) {
            log.error("cannot unload the units: {}", e.getMessage());
        }
        return true;
    }
}
