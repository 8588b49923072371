package dev.flotilla.systemd;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.errors.NoReply;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.exceptions.NotConnected;
import org.freedesktop.dbus.interfaces.CallbackHandler;
import org.freedesktop.systemd1.NoSuchUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.security.auth.module.UnixSystem;

import dev.flotilla.systemd.dbus.EnableResult;
import dev.flotilla.systemd.dbus.UnitFileChange;
import dev.flotilla.systemd.dbus.UnitInfo;

/**
 * {@link Systemd} over dbus-java. Threads: dbus-java's (reader, one signal thread, reply threads) only
 * hand events over; one "events" thread of ours runs listeners and completes job futures; one
 * "reconnect" thread re-opens a dropped connection.
 */
final class DbusSystemd implements Systemd, Session.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(Systemd.class);
    private static final String MODE = "replace";
    private static final String UNIT_IFACE = "org.freedesktop.systemd1.Unit";
    /** ListUnitsByNames takes any number of names; chunks keep one reply well under D-Bus limits. */
    private static final int STATUS_CHUNK = 1000;

    private final SystemdOptions options;
    private final ExecutorService events;
    private final ScheduledExecutorService reconnector;
    private final JobTracker jobs;
    private final UnitStateTracker states;
    private final List<UnitStateListener> listeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    /** The live connection, or null while reconnecting or closed. Guarded by lock. */
    private Session session;
    private SystemdConnectionState state;
    private long generations;
    private int attempts;
    private boolean closed;

    private DbusSystemd(SystemdOptions options) {
        this.options = options;
        this.events = Executors.newSingleThreadExecutor(daemon("flotilla-systemd-events"));
        this.reconnector = Executors.newSingleThreadScheduledExecutor(daemon("flotilla-systemd-reconnect"));
        this.jobs = new JobTracker(events);
        this.states = new UnitStateTracker(this::deliver);
    }

    /** Connects now (fail fast) and returns the client; reconnects by itself later. */
    static DbusSystemd open(SystemdOptions options) {
        Objects.requireNonNull(options, "options");
        DbusSystemd sd = new DbusSystemd(options);
        try {
            Session s = sd.openSession();
            synchronized (sd.lock) {
                sd.session = s;
                sd.state = new SystemdConnectionState.Connected(s.transport, Instant.now());
            }
            LOG.info("connected to systemd {} via {}", versionOf(s), describe(s.transport));
            sd.checkStillAlive(s);
            return sd;
        } catch (Exception e) {
            sd.events.shutdownNow();
            sd.reconnector.shutdownNow();
            throw new SystemdException.Unavailable("cannot connect to systemd (" + options.transport() + "): " + reason(e), e);
        }
    }

    // ---- connection lifecycle -------------------------------------------------------------------

    private Session openSession() throws Exception {
        long generation;
        synchronized (lock) {
            generation = ++generations;
        }
        Transport t = options.transport();
        if (t != Transport.AUTO) {
            return openBounded(generation, t);
        }
        if (isRoot()) {
            try {
                return openBounded(generation, Transport.PRIVATE_SOCKET);
            } catch (Exception e) {
                LOG.debug("private socket {} failed ({}), trying the system bus", options.privateSocket(), reason(e));
            }
        }
        return openBounded(generation, Transport.SYSTEM_BUS);
    }

    /**
     * Session.open with a deadline. dbus-java's transport timeout covers the socket connect only: a
     * peer that accepts but never answers the auth handshake would block forever. The attempt runs
     * on its own thread; on timeout it is interrupted (which closes its socket), and a Session that
     * still completes later is closed at once.
     */
    private Session openBounded(long generation, Transport transport) throws Exception {
        CompletableFuture<Session> result = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                Session s = Session.open(generation, transport, options, this);
                if (!result.complete(s)) {
                    s.close();
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "flotilla-systemd-connect");
        opener.setDaemon(true);
        opener.start();
        Duration limit = options.connectTimeout().plus(options.handshakeTimeout());
        try {
            return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(false);
            opener.interrupt();
            throw new IOException("no answer from systemd within " + limit.toMillis() + " ms (" + describe(transport) + ")");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    @Override
    public void disconnected(Session s, String cause) {
        connectionLost(s, cause);
    }

    /** Marks {@code s} dead once, fails its pending jobs and starts reconnecting. */
    private void connectionLost(Session s, String cause) {
        SystemdConnectionState st;
        synchronized (lock) {
            if (closed || session != s) {
                return; // already handled, or an old connection
            }
            session = null;
            attempts = 0;
            st = new SystemdConnectionState.Reconnecting(Instant.now(), cause);
            state = st;
        }
        s.markDead(); // its late signals and replies are ignored from now on
        LOG.warn("lost the systemd connection ({}): {}; reconnecting", describe(s.transport), cause);
        // Never close on the caller's thread: this may be dbus-java's reader thread inside its own
        // disconnect handling. Reconnect first: closing may wait for dbus-java's threads.
        submitReconnect(() -> {
            reconnect();
            s.close();
        }, 0);
        int failed = jobs.failAll(g -> g == s.generation, () -> new SystemdException.Unavailable(
                "connection to systemd lost before the job ended (" + cause + "); re-read the unit state", null));
        if (failed > 0) {
            LOG.debug("failed {} pending job(s) of the lost connection", failed);
        }
        post(() -> notifyConnection(st));
    }

    private void reconnect() {
        Instant lostAt;
        synchronized (lock) {
            if (closed || session != null) {
                return;
            }
            lostAt = state.since();
        }
        Session s;
        try {
            s = openSession();
        } catch (Exception e) {
            long delay;
            synchronized (lock) {
                attempts++;
                delay = backoff(attempts);
            }
            LOG.debug("reconnect attempt failed: {}; next in {} ms", reason(e), delay);
            submitReconnect(this::reconnect, delay);
            return;
        }
        SystemdConnectionState st;
        int tries;
        synchronized (lock) {
            if (closed) {
                s.close();
                return;
            }
            session = s;
            tries = attempts + 1;
            st = new SystemdConnectionState.Connected(s.transport, Instant.now());
            state = st;
            lock.notifyAll();
        }
        LOG.info("reconnected to systemd {} via {} after {} ms ({} attempt(s))", versionOf(s), describe(s.transport),
                Duration.between(lostAt, st.since()).toMillis(), tries);
        post(() -> {
            states.reset();
            notifyConnection(st);
            resyncListeners();
        });
        checkStillAlive(s);
    }

    /**
     * A drop between Session.open and installing the session was ignored (it was not the current
     * one yet); catch it here, or an idle client would wait forever for signals on a dead socket.
     */
    private void checkStillAlive(Session s) {
        if (!s.isAlive()) {
            connectionLost(s, "connection dropped right after connecting");
        }
    }

    private long backoff(int attempt) {
        long min = options.reconnectMinDelay().toMillis();
        long max = options.reconnectMaxDelay().toMillis();
        return Math.min(max, min << Math.min(attempt, 20));
    }

    private void submitReconnect(Runnable r, long delayMillis) {
        try {
            reconnector.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** The live session, waiting a bounded time while reconnecting. */
    private Session awaitSession(String what) {
        long deadline = System.nanoTime() + options.awaitReconnect().toNanos();
        synchronized (lock) {
            while (true) {
                if (closed) {
                    throw new SystemdException.Unavailable(what + ": the systemd client is closed", null);
                }
                if (session != null) {
                    return session;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    String cause = state instanceof SystemdConnectionState.Reconnecting r ? r.cause() : "not connected";
                    throw new SystemdException.Unavailable(what + ": not connected to systemd (" + cause + ")", null);
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SystemdException.Unavailable(what + ": interrupted while waiting for systemd", e);
                }
            }
        }
    }

    /**
     * Runs a synchronous call. Every call made this way is idempotent (link with force, reload, list,
     * reset, enable, disable), so one that broke with the connection is retried once on the next one.
     */
    private <T> T call(String what, Function<Session, T> op) {
        for (int attempt = 0;; attempt++) {
            Session s = awaitSession(what);
            try {
                return op.apply(s);
            } catch (RuntimeException e) {
                if (e instanceof SystemdException se) {
                    throw se;
                }
                if (isConnectionFailure(s, e)) {
                    connectionLost(s, reason(e));
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
            s = awaitSession(what);
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
                connectionLost(s, reason(e));
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
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public SystemdConnectionState connectionState() {
        synchronized (lock) {
            return state;
        }
    }

    // ---- signals (dbus-java threads: hand over, nothing more) ------------------------------------

    @Override
    public void jobRemoved(Session s, String unit, String jobPath, String result) {
        jobs.removed(unit, jobPath, result);
    }

    @Override
    public void unitRemoved(Session s, String unit) {
        postFrom(s, () -> states.unitRemoved(unit));
    }

    @Override
    public void reloading(Session s, boolean active) {
        postFrom(s, () -> {
            states.reloading(active);
            if (!active) {
                refreshAfterReload();
            }
        });
    }

    @Override
    public void unitPropertiesChanged(Session s, String unit, String activeState, String subState) {
        postFrom(s, () -> states.propertiesChanged(unit, activeState, subState));
    }

    @Override
    public void systemdRestarted(Session s) {
        // System bus: our connection survived, but systemd re-executed or restarted, so signals may
        // be lost and running jobs' JobRemoved with them. Subscribe again (systemd usually keeps it).
        submitReconnect(() -> {
            synchronized (lock) {
                if (session != s) {
                    return;
                }
            }
            LOG.info("systemd got a new bus name (re-executed or restarted); resyncing");
            try {
                s.subscribe();
            } catch (RuntimeException e) {
                LOG.debug("re-subscribe failed: {}", reason(e));
            }
            jobs.failAll(g -> g == s.generation, () -> new SystemdException.Unavailable(
                    "systemd re-executed before the job ended; re-read the unit state", null));
            post(() -> {
                states.reset();
                resyncListeners();
            });
        }, 0);
    }

    /** Load states may change on reload and are never signalled: re-read the units we report on. */
    private void refreshAfterReload() {
        var names = states.knownNames();
        if (names.isEmpty()) {
            return;
        }
        synchronized (lock) {
            if (session == null) {
                return; // a resync follows the reconnect anyway
            }
        }
        try {
            states.refreshed(statuses(names));
        } catch (SystemdException e) {
            LOG.debug("re-reading unit states after reload failed: {}", e.getMessage());
        }
    }

    private void postFrom(Session s, Runnable r) {
        if (s.isAlive()) {
            post(r);
        }
    }

    private void post(Runnable r) {
        try {
            events.execute(r);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void deliver(String name, UnitStatus status) {
        for (UnitStateListener l : listeners) {
            try {
                l.changed(name, status);
            } catch (RuntimeException e) {
                LOG.warn("unit state listener failed on {}", name, e);
            }
        }
    }

    private void resyncListeners() {
        for (UnitStateListener l : listeners) {
            try {
                l.resync();
            } catch (RuntimeException e) {
                LOG.warn("unit state listener failed on resync", e);
            }
        }
    }

    private void notifyConnection(SystemdConnectionState st) {
        for (UnitStateListener l : listeners) {
            try {
                l.connectionChanged(st);
            } catch (RuntimeException e) {
                LOG.warn("unit state listener failed on a connection change", e);
            }
        }
    }

    // ---- close -----------------------------------------------------------------------------------

    @Override
    public void close() {
        Session s;
        SystemdConnectionState st;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
            session = null;
            st = new SystemdConnectionState.Closed(Instant.now());
            state = st;
            lock.notifyAll();
        }
        reconnector.shutdownNow();
        if (s != null) {
            s.close();
        }
        jobs.failAll(g -> true, () -> new SystemdException.Unavailable("the systemd client was closed", null));
        post(() -> notifyConnection(st));
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

    // ---- helpers ---------------------------------------------------------------------------------

    private static boolean isRoot() {
        try {
            return new UnixSystem().getUid() == 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String versionOf(Session s) {
        try {
            return s.version();
        } catch (RuntimeException e) {
            return "(version unknown)";
        }
    }

    private static String describe(Transport t) {
        return t == Transport.PRIVATE_SOCKET ? "private socket" : "system bus";
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
