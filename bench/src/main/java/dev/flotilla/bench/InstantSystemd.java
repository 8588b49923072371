package dev.flotilla.bench;

import dev.flotilla.systemd.SystemdConnectionState;
import dev.flotilla.systemd.JobResult;
import dev.flotilla.systemd.UnitWatch;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.SystemdException;
import dev.flotilla.systemd.Transport;
import dev.flotilla.systemd.UnitStateListener;
import dev.flotilla.systemd.UnitStatus;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * An in-memory systemd for simulated machines: a linked unit becomes active the moment it is started.
 * Like the real client, state events and job ends arrive on an event thread (the state event first),
 * never on the caller's. Many instances share a few event threads: each instance always uses the same
 * single-threaded executor, so its own events keep their order.
 */
final class InstantSystemd implements Systemd {
    private final Executor events;
    private final Map<String, Path> linked = new HashMap<>();
    private final Set<String> enabled = new HashSet<>();
    private final Map<String, UnitStatus> states = new HashMap<>();
    private final List<UnitStateListener> listeners = new CopyOnWriteArrayList<>();
    private final Instant since = Instant.now();

    /** @param events a single-threaded executor (may be shared with other instances) */
    InstantSystemd(Executor events) {
        this.events = events;
    }

    /** Units active now. */
    synchronized int activeCount() {
        return (int) states.values().stream().filter(UnitStatus::isActive).count();
    }

    @Override
    public SystemdConnectionState connectionState() {
        return new SystemdConnectionState.Connected(Transport.PRIVATE_SOCKET, since);
    }

    @Override
    public synchronized void linkRuntime(List<Path> unitFiles) {
        unitFiles.forEach(p -> linked.put(p.getFileName().toString(), p));
    }

    @Override
    public synchronized void unlinkRuntime(List<String> names) {
        names.forEach(n -> {
            linked.remove(n);
            enabled.remove(n);
        });
    }

    @Override
    public synchronized void enableRuntime(List<String> names) {
        enabled.addAll(names);
    }

    @Override
    public synchronized void disableRuntime(List<String> names) {
        enabled.removeAll(names);
    }

    @Override
    public void reload() {
        // nothing is cached that a reload would refresh
    }

    @Override
    public boolean needsReload(String name) {
        return false;
    }

    @Override
    public CompletableFuture<JobResult> start(String name) {
        UnitStatus s;
        synchronized (this) {
            if (!linked.containsKey(name)) {
                return CompletableFuture.failedFuture(new SystemdException.Rejected("Unit " + name + " not found.",
                        "org.freedesktop.systemd1.NoSuchUnit", null));
            }
            s = new UnitStatus(name, UnitStatus.LOADED, "active", "running");
            states.put(name, s);
        }
        return emitThenEnd(s, JobResult.DONE);
    }

    @Override
    public CompletableFuture<JobResult> stop(String name) {
        UnitStatus s;
        boolean known;
        synchronized (this) {
            known = states.containsKey(name) || linked.containsKey(name);
            s = new UnitStatus(name, linked.containsKey(name) ? UnitStatus.LOADED : UnitStatus.NOT_FOUND,
                    UnitStatus.INACTIVE, UnitStatus.DEAD);
            states.remove(name); // systemd garbage-collects a stopped unit
        }
        return emitThenEnd(s, known ? JobResult.DONE : JobResult.NOT_LOADED);
    }

    @Override
    public CompletableFuture<JobResult> restart(String name) {
        stop(name);
        return start(name);
    }

    @Override
    public synchronized void resetFailed(String name) {
        UnitStatus s = states.get(name);
        if (s != null && s.isFailed()) {
            states.remove(name);
        }
    }

    @Override
    public synchronized Map<String, UnitStatus> statuses(Collection<String> names) {
        Map<String, UnitStatus> out = new LinkedHashMap<>();
        for (String n : names) {
            UnitStatus s = states.get(n);
            out.put(n, s != null ? s : linked.containsKey(n)
                    ? new UnitStatus(n, UnitStatus.LOADED, UnitStatus.INACTIVE, UnitStatus.DEAD) : UnitStatus.notFound(n));
        }
        return out;
    }

    @Override
    public UnitWatch watch(UnitStateListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        listeners.clear();
    }

    private CompletableFuture<JobResult> emitThenEnd(UnitStatus s, JobResult result) {
        CompletableFuture<JobResult> job = new CompletableFuture<>();
        events.execute(() -> {
            listeners.forEach(l -> l.changed(s.name(), s));
            job.complete(result);
        });
        return job;
    }
}
