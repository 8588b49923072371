package dev.flotilla.agent;

import dev.flotilla.systemd.JobResult;
import dev.flotilla.systemd.UnitStatus;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The agent's own bookkeeping of this machine, changed only by executing plans. Agent thread only. */
final class LocalMemory {
    /** A job in flight; {@code id} tells a stale completion from the current one. */
    record PendingJob(JobKind kind, long id, CompletableFuture<JobResult> future) {
    }

    final Map<String, String> installed = new HashMap<>();
    final Set<String> linked = new HashSet<>();
    final Set<String> enabled = new HashSet<>();
    final Map<String, String> launched = new HashMap<>();
    final Map<String, PendingJob> pending = new HashMap<>();

    /** Every unit the agent has or has business with. */
    Set<String> names() {
        Set<String> all = new HashSet<>(installed.keySet());
        all.addAll(linked);
        all.addAll(launched.keySet());
        all.addAll(pending.keySet());
        return all;
    }

    LocalState snapshot(Map<String, UnitStatus> statuses) {
        Map<String, JobKind> jobs = new HashMap<>();
        pending.forEach((name, job) -> jobs.put(name, job.kind()));
        return new LocalState(installed, linked, enabled, launched, jobs, statuses);
    }

    /** Nothing left of any unit: no file, no job, nothing launched. */
    boolean isEmpty() {
        return installed.isEmpty() && pending.isEmpty() && launched.isEmpty();
    }
}
