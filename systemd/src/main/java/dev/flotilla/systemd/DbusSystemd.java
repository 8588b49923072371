package dev.flotilla.systemd;

import static dev.flotilla.systemd.SystemdException.reason;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.errors.NoReply;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.exceptions.NotConnected;
import org.freedesktop.dbus.interfaces.CallbackHandler;
import org.freedesktop.systemd1.NoSuchUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.systemd.dbus.EnableResult;
import dev.flotilla.systemd.dbus.UnitFileChange;
import dev.flotilla.systemd.dbus.UnitInfo;

/**
 * {@link Systemd} over dbus-java: the operations. The connection and its reconnecting are
 * {@link ReconnectingSession}'s, the routing of signals to jobs and listeners {@link SignalRouter}'s.
 * Threads: dbus-java's (reader, one signal thread, reply threads) only hand events over; one "events"
 * thread of ours runs listeners and completes job futures; one "reconnect" thread re-opens a dropped
 * connection.
 */
final class DbusSystemd implements Systemd {

    private static final Logger LOG = LoggerFactory.getLogger(Systemd.class);
    private static final String MODE = "replace";
    private static final String UNIT_IFACE = "org.freedesktop.systemd1.Unit";
    /** ListUnitsByNames takes any number of names; chunks keep one reply well under D-Bus limits. */
    private static final int STATUS_CHUNK = 1000;

    private final SystemdOptions options;
    private final ExecutorService events;
    private final JobTracker jobs;
    private final SignalRouter signals;
    private final ReconnectingSession session;

    private DbusSystemd(SystemdOptions options) {
        this.options = options;
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "flotilla-systemd-events");
            t.setDaemon(true);
            return t;
        });
        this.jobs = new JobTracker(events);
        this.signals = new SignalRouter(events, jobs, this::connected, this::statuses);
        this.session = new ReconnectingSession(options, signals, jobs, signals);
    }

    private boolean connected() {
        return session.isConnected();
    }

    /** Connects now (fail fast) and returns the client; reconnects by itself later. */
    static DbusSystemd open(SystemdOptions options) {
        Objects.requireNonNull(options, "options");
        DbusSystemd sd = new DbusSystemd(options);
        try {
            sd.session.connect();
            return sd;
        } catch (Exception e) {
            sd.events.shutdownNow();
            throw new SystemdException.Unavailable("cannot connect to systemd (" + options.transport() + "): " + reason(e), e);
        }
    }

    /**
     * Runs a synchronous call. Every call made this way is idempotent (link with force, reload, list,
     * reset, enable, disable), so one that broke with the connection is retried once on the next one.
     */
    private <T> T call(String what, Function<Session, T> op) {
        for (int attempt = 0;; attempt++) {
            Session s = session.await(what);
            try {
                return op.apply(s);
            } catch (RuntimeException e) {
                if (e instanceof SystemdException se) {
                    throw se;
                }
                if (isConnectionFailure(s, e)) {
                    session.lost(s, reason(e));
                    if (attempt == 0) {
                        continue;
                    }
                    throw new SystemdException.Unavailable(what + ": connection to systemd lost: " + reason(e), e);
                }
                throw translate(what, e);
            }
        }
    }

    private static boolean isConnectionFailure(Session s, RuntimeException e) {
        return e instanceof NotConnected || !s.isAlive();
    }

    private static SystemdException translate(String what, RuntimeException e) {
        if (e instanceof NoReply) {
            return new SystemdException.Unavailable(what + ": systemd did not answer in time", e);
        }
        Throwable cause = e instanceof UndeclaredThrowableException u && u.getCause() != null ? u.getCause() : e;
        return new SystemdException.Rejected(what + ": " + reason(cause), errorName(cause), e);
    }

    /** The D-Bus error name if dbus-java kept it (only for errors with a Java twin class). */
    private static String errorName(Throwable e) {
        String cls = e.getClass().getName();
        if (cls.startsWith("org.freedesktop.systemd1.")) {
            return cls;
        }
        if (cls.startsWith("org.freedesktop.dbus.errors.")) {
            return "org.freedesktop.DBus.Error." + e.getClass().getSimpleName();
        }
        return null;
    }

    // ---- unit files ------------------------------------------------------------------------------

    @Override
    public void linkRuntime(List<Path> unitFiles) {
        if (unitFiles.isEmpty()) {
            return;
        }
        List<String> files = new ArrayList<>(unitFiles.size());
        for (Path p : unitFiles) {
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("unit files must be absolute paths (systemd answers InvalidArgs): " + p);
            }
            files.add(p.toString());
        }
        List<UnitFileChange> changes = call("LinkUnitFiles " + files, s -> s.manager.LinkUnitFiles(files, true, true));
        logChanges("link", changes);
    }

    @Override
    public void unlinkRuntime(List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        logChanges("unlink", disableRuntimeFiles(List.copyOf(names)));
    }

    @Override
    public void enableRuntime(List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<String> list = List.copyOf(names);
        EnableResult<Boolean, List<UnitFileChange>> r = call("EnableUnitFiles " + list,
                s -> s.manager.EnableUnitFiles(list, true, true));
        if (!Boolean.TRUE.equals(r.carriesInstallInfo())) {
            LOG.debug("enable {}: no [Install] section, nothing to enable", list);
        }
        logChanges("enable", r.changes());
    }

    @Override
    public void disableRuntime(List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<String> list = List.copyOf(names);
        // DisableUnitFiles(runtime) removes the unit's own link in /run/systemd/system together with
        // its .wants links; put back the links that LinkUnitFiles made (target file named like the unit).
        List<Path> relink = new ArrayList<>();
        for (String name : list) {
            Path link = options.runtimeUnitDir().resolve(name);
            try {
                if (Files.isSymbolicLink(link)) {
                    Path target = Files.readSymbolicLink(link);
                    Path absolute = target.isAbsolute() ? target : link.resolveSibling(target).normalize();
                    if (absolute.getFileName() != null && absolute.getFileName().toString().equals(name)) {
                        relink.add(absolute);
                    }
                }
            } catch (IOException e) {
                LOG.debug("cannot read the runtime link {}: {}", link, e.toString());
            }
        }
        logChanges("disable", disableRuntimeFiles(list));
        linkRuntime(relink);
    }

    /** DisableUnitFiles(runtime=true), where "no such unit file" means already done. */
    private List<UnitFileChange> disableRuntimeFiles(List<String> names) {
        return call("DisableUnitFiles " + names, s -> {
            try {
                return s.manager.DisableUnitFiles(names, true);
            } catch (NoSuchUnit e) {
                // systemd fails the whole batch only when it changed nothing; to be sure no other
                // name was skipped, do them one by one.
                if (names.size() == 1) {
                    return List.of();
                }
                List<UnitFileChange> all = new ArrayList<>();
                for (String n : names) {
                    try {
                        all.addAll(s.manager.DisableUnitFiles(List.of(n), true));
                    } catch (NoSuchUnit ignored) {
                        // not linked or enabled: nothing to remove
                    }
                }
                return all;
            }
        });
    }

    private static void logChanges(String what, List<UnitFileChange> changes) {
        if (LOG.isDebugEnabled() && changes != null && !changes.isEmpty()) {
            LOG.debug("{}: {}", what, changes.stream().map(UnitFileChange::describe).toList());
        }
    }

    @Override
    public void reload() {
        call("Reload", s -> {
            s.manager.Reload();
            return null;
        });
    }

    @Override
    public boolean needsReload(String name) {
        Objects.requireNonNull(name, "name");
        Object v = call("NeedDaemonReload " + name,
                s -> s.properties(UnitPaths.path(name)).<Object>Get(UNIT_IFACE, "NeedDaemonReload"));
        return Boolean.TRUE.equals(v);
    }

    // ---- jobs ------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<JobResult> start(String name) {
        return job("StartUnit", name, false);
    }

    @Override
    public CompletableFuture<JobResult> stop(String name) {
        return job("StopUnit", name, true);
    }

    @Override
    public CompletableFuture<JobResult> restart(String name) {
        return job("RestartUnit", name, false);
    }

    /**
     * Sends the job call without waiting for its reply; the future ends with the job's JobRemoved.
     * Blocks only while {@code maxInFlight} calls await their replies.
     */
    private CompletableFuture<JobResult> job(String method, String unit, boolean notLoadedIsDone) {
        Objects.requireNonNull(unit, "unit");
        String what = method + " " + unit;
        Session s;
        try {
            s = session.await(what);
            if (!s.acquirePermit()) {
                return CompletableFuture.failedFuture(new SystemdException.Unavailable(what + ": connection lost", null));
            }
        } catch (SystemdException e) {
            return CompletableFuture.failedFuture(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new SystemdException.Unavailable(what + ": interrupted", e));
        }
        JobTracker.Pending p = jobs.register(unit, s.generation);
        CallbackHandler<DBusPath> reply = new CallbackHandler<>() {
            @Override
            public void handle(DBusPath job) {
                try {
                    jobs.replied(p, job.getPath());
                } finally {
                    s.permits.release();
                }
            }

            @Override
            public void handleError(DBusExecutionException e) {
                try {
                    if (notLoadedIsDone && e instanceof NoSuchUnit) {
                        jobs.finish(p, JobResult.NOT_LOADED); // GC'd = stopped (fleet 1.0 got this wrong)
                    } else {
                        jobs.fail(p, translate(what, e));
                    }
                } finally {
                    s.permits.release();
                }
            }
        };
        try {
            s.callAsync(method, reply, unit, MODE);
        } catch (RuntimeException e) {
            s.permits.release();
            if (isConnectionFailure(s, e)) {
                session.lost(s, reason(e));
                jobs.fail(p, new SystemdException.Unavailable(what + ": connection to systemd lost: " + reason(e), e));
            } else {
                jobs.fail(p, translate(what, e));
            }
        }
        return p.future;
    }

    @Override
    public void resetFailed(String name) {
        Objects.requireNonNull(name, "name");
        call("ResetFailedUnit " + name, s -> {
            try {
                s.manager.ResetFailedUnit(name);
            } catch (NoSuchUnit e) {
                // not loaded: nothing failed to reset
            }
            return null;
        });
    }

    // ---- states ----------------------------------------------------------------------------------

    @Override
    public Map<String, UnitStatus> statuses(Collection<String> names) {
        List<String> unique = List.copyOf(new LinkedHashSet<>(names));
        Map<String, UnitStatus> result = new LinkedHashMap<>(unique.size() * 2);
        for (int from = 0; from < unique.size(); from += STATUS_CHUNK) {
            List<String> chunk = unique.subList(from, Math.min(unique.size(), from + STATUS_CHUNK));
            List<UnitInfo> infos = call("ListUnitsByNames (" + chunk.size() + " names)",
                    s -> s.manager.ListUnitsByNames(chunk));
            if (infos.size() == chunk.size()) {
                // One answer per name, in order: also right for aliases, whose answer has the real name.
                for (int i = 0; i < chunk.size(); i++) {
                    UnitInfo u = infos.get(i);
                    result.put(chunk.get(i), new UnitStatus(chunk.get(i), u.loadState(), u.activeState(), u.subState()));
                }
            } else {
                // systemd skipped invalid names: match by name.
                Map<String, UnitInfo> byName = new LinkedHashMap<>();
                for (UnitInfo u : infos) {
                    byName.put(u.name(), u);
                }
                for (String n : chunk) {
                    UnitInfo u = byName.get(n);
                    result.put(n, u == null ? UnitStatus.notFound(n)
                            : new UnitStatus(n, u.loadState(), u.activeState(), u.subState()));
                }
            }
        }
        return result;
    }

    @Override
    public UnitWatch watch(UnitStateListener listener) {
        return signals.watch(listener);
    }

    @Override
    public SystemdConnectionState connectionState() {
        return session.state();
    }

    @Override
    public void close() {
        if (!session.close()) {
            return;
        }
        events.shutdown();
        try {
            if (!events.awaitTermination(2, TimeUnit.SECONDS)) {
                events.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("systemd client closed");
    }
}
