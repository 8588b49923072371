package dev.flotilla.agent;

import dev.flotilla.systemd.SystemdConnectionState;
import dev.flotilla.systemd.JobResult;
import dev.flotilla.systemd.UnitWatch;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.SystemdException;
import dev.flotilla.systemd.Transport;
import dev.flotilla.systemd.UnitStateListener;
import dev.flotilla.systemd.UnitStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A systemd of plain values for the agent's loop tests: links, enables, unit states, jobs that end at
 * once (on an event thread, after the state events, like the real client), and a log of every call.
 * {@link #exit} and {@link #fail} play a process that ends by itself.
 */
final class FakeSystemd implements Systemd {
    private final List<String> calls = new ArrayList<>();
    private final Map<String, Path> linked = new HashMap<>();
    private final Set<String> enabled = new HashSet<>();
    private final Map<String, UnitStatus> states = new HashMap<>();
    /** The text each unit was last started with. */
    private final Map<String, String> startedText = new HashMap<>();
    private final Map<String, Integer> starts = new HashMap<>();
    private final List<UnitStateListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-systemd-events");
        t.setDaemon(true);
        return t;
    });
    private int reloads;
    private volatile boolean unavailable;
    private volatile long startMillis;

    // ---- test controls and observations ----

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized void clearCalls() {
        calls.clear();
    }

    synchronized int reloads() {
        return reloads;
    }

    synchronized boolean isLinked(String name) {
        return linked.containsKey(name);
    }

    synchronized boolean isEnabled(String name) {
        return enabled.contains(name);
    }

    synchronized UnitStatus state(String name) {
        return stateOf(name);
    }

    synchronized boolean isActive(String name) {
        return stateOf(name).isActive();
    }

    synchronized String startedText(String name) {
        return startedText.get(name);
    }

    synchronized int starts(String name) {
        return starts.getOrDefault(name, 0);
    }

    /** Units that are active now. */
    synchronized Set<String> active() {
        Set<String> out = new HashSet<>();
        states.forEach((n, s) -> {
            if (s.isActive()) {
                out.add(n);
            }
        });
        return out;
    }

    /** The unit's process exits with success: inactive/dead (GC'd). */
    void exit(String name) {
        set(name, "inactive", "dead");
    }

    void fail(String name) {
        set(name, "failed", "failed");
    }

    /** Another actor (systemctl, a dependency) starts the unit. */
    void startedByOthers(String name) {
        set(name, "active", "running");
    }

    /** A start's state event and job end come this much later (a unit slow to start, or a busy machine). */
    void slowStarts(java.time.Duration delay) {
        startMillis = delay.toMillis();
    }

    /** Every call fails as if systemd were re-executing. */
    void unavailable(boolean value) {
        unavailable = value;
    }

    private void set(String name, String active, String sub) {
        UnitStatus s;
        synchronized (this) {
            s = new UnitStatus(name, linked.containsKey(name) ? "loaded" : "not-found", active, sub);
            states.put(name, s);
        }
        emit(name, s);
    }

    private void emit(String name, UnitStatus s) {
        events.execute(() -> listeners.forEach(l -> l.changed(name, s)));
    }

    private UnitStatus stateOf(String name) {
        UnitStatus s = states.get(name);
        if (s != null) {
            return s;
        }
        return linked.containsKey(name) ? new UnitStatus(name, "loaded", "inactive", "dead") : UnitStatus.notFound(name);
    }

    private void check() {
        if (unavailable) {
            throw new SystemdException.Unavailable("fake systemd is re-executing", null);
        }
    }

    // ---- Systemd ----

    @Override
    public SystemdConnectionState connectionState() {
        return new SystemdConnectionState.Connected(Transport.PRIVATE_SOCKET, Instant.now());
    }

    @Override
    public synchronized void linkRuntime(List<Path> unitFiles) {
        check();
        for (Path p : unitFiles) {
            if (!p.isAbsolute() || !Files.isRegularFile(p)) {
                throw new SystemdException.Rejected("no such unit file " + p, "org.freedesktop.DBus.Error.InvalidArgs", null);
            }
        }
        calls.add("link " + names(unitFiles.stream().map(p -> p.getFileName().toString()).toList()));
        unitFiles.forEach(p -> linked.put(p.getFileName().toString(), p));
    }

    @Override
    public synchronized void unlinkRuntime(List<String> names) {
        check();
        calls.add("unlink " + names(names));
        names.forEach(n -> {
            linked.remove(n);
            enabled.remove(n);
        });
    }

    @Override
    public synchronized void enableRuntime(List<String> names) {
        check();
        calls.add("enable " + names(names));
        enabled.addAll(names);
    }

    @Override
    public synchronized void disableRuntime(List<String> names) {
        check();
        calls.add("disable " + names(names));
        enabled.removeAll(names);
    }

    @Override
    public synchronized void reload() {
        check();
        calls.add("reload");
        reloads++;
    }

    @Override
    public boolean needsReload(String name) {
        return false;
    }

    @Override
    public CompletableFuture<JobResult> start(String name) {
        check();
        CompletableFuture<JobResult> f = new CompletableFuture<>();
        UnitStatus s;
        synchronized (this) {
            calls.add("start " + name);
            Path file = linked.get(name);
            if (file == null) {
                return CompletableFuture.failedFuture(new SystemdException.Rejected("Unit " + name + " not found.",
                        "org.freedesktop.systemd1.NoSuchUnit", null));
            }
            try {
                startedText.put(name, Files.readString(file));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            starts.merge(name, 1, Integer::sum);
            s = new UnitStatus(name, "loaded", "active", "running");
            states.put(name, s);
        }
        java.util.concurrent.Executor later = startMillis == 0 ? events
                : CompletableFuture.delayedExecutor(startMillis, java.util.concurrent.TimeUnit.MILLISECONDS, events);
        // systemd's signal carries the state change time; its bulk read (statuses) does not
        UnitStatus signalled = new UnitStatus(s.name(), s.loadState(), s.activeState(), s.subState(), 0,
                System.currentTimeMillis() * 1000);
        later.execute(() -> {
            listeners.forEach(l -> l.changed(name, signalled));
            f.complete(JobResult.DONE);
        });
        return f;
    }

    @Override
    public CompletableFuture<JobResult> stop(String name) {
        check();
        CompletableFuture<JobResult> f = new CompletableFuture<>();
        UnitStatus s;
        boolean known;
        synchronized (this) {
            calls.add("stop " + name);
            known = states.containsKey(name) || linked.containsKey(name);
            s = new UnitStatus(name, linked.containsKey(name) ? "loaded" : "not-found", "inactive", "dead");
            states.put(name, s);
        }
        emit(name, s);
        events.execute(() -> f.complete(known ? JobResult.DONE : JobResult.NOT_LOADED));
        return f;
    }

    @Override
    public CompletableFuture<JobResult> restart(String name) {
        stop(name);
        return start(name);
    }

    @Override
    public synchronized void resetFailed(String name) {
        check();
        calls.add("reset-failed " + name);
        UnitStatus s = states.get(name);
        if (s != null && s.isFailed()) {
            states.remove(name);
        }
    }

    /** How many bulk reads were asked for. */
    int bulkReads() {
        return bulkReads.get();
    }

    private final java.util.concurrent.atomic.AtomicInteger bulkReads = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public synchronized Map<String, UnitStatus> statuses(Collection<String> names) {
        check();
        bulkReads.incrementAndGet();
        Map<String, UnitStatus> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, stateOf(n));
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
        events.shutdownNow();
    }

    private static String names(List<String> names) {
        return String.join(",", names.stream().sorted().toList());
    }
}
