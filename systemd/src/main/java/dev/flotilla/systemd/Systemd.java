package dev.flotilla.systemd;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A small client of systemd (org.freedesktop.systemd1) for the Flotilla agent: runtime unit links,
 * daemon reload, start/stop/restart as pipelined jobs, bulk unit states and state-change events.
 *
 * <p>Connection: {@link #connect()} fails fast if systemd can't be reached; afterwards the client
 * reconnects by itself (e.g. after {@code systemctl daemon-reexec}, which drops the private socket).
 * While reconnecting, calls wait up to {@link SystemdOptions#awaitReconnect()} and then throw
 * {@link SystemdException.Unavailable}; listeners get {@link UnitStateListener#resync()} once it is back.
 *
 * <p>Errors: {@link SystemdException.Unavailable} (retry later) or {@link SystemdException.Rejected}
 * (systemd said no). "Unit not loaded" on stop and reset-failed is success: systemd garbage-collects
 * inactive units at once. See systemd/README.md for every such rule.
 *
 * <p>Thread-safe. Unit file paths are paths as systemd sees them (the agent runs on the same host).
 */
public interface Systemd extends AutoCloseable {

    /** Connects with {@link SystemdOptions#defaults()}. */
    static Systemd connect() {
        return connect(SystemdOptions.defaults());
    }

    /**
     * Connects now and returns the client.
     *
     * @throws SystemdException.Unavailable if systemd can't be reached within the connect timeout
     */
    static Systemd connect(SystemdOptions options) {
        return DbusSystemd.open(options);
    }

    /** Connected (and how), reconnecting (since when, why) or closed. */
    SystemdConnectionState connectionState();

    /**
     * Links unit files into {@code /run/systemd/system} (LinkUnitFiles runtime=true force=true), so
     * the links vanish on reboot. Idempotent. A new unit can be started right away; a changed one, or
     * one systemd looked up before it was linked, needs {@link #reload()}.
     *
     * @param unitFiles absolute paths; the file name is the unit name (templates: {@code name@.service})
     */
    void linkRuntime(List<Path> unitFiles);

    /**
     * Removes the runtime links of these units: their own link in {@code /run/systemd/system} and
     * their {@code .wants}/{@code .requires} links there (DisableUnitFiles runtime=true). Units not
     * linked are skipped. Does not stop anything; {@link #reload()} afterwards makes systemd forget
     * the unit file.
     */
    void unlinkRuntime(List<String> names);

    /**
     * Enables units with an {@code [Install]} section under {@code /run} (EnableUnitFiles runtime=true
     * force=true): e.g. {@code WantedBy=x} adds a {@code x.wants} link. Units without [Install] are a
     * no-op. Takes effect after {@link #reload()}.
     *
     * @throws SystemdException.Rejected if a unit file is not linked / does not exist
     */
    void enableRuntime(List<String> names);

    /**
     * Undoes {@link #enableRuntime} but keeps the units linked. (systemd's DisableUnitFiles would also
     * remove the runtime link itself; the client puts it back.) Takes effect after {@link #reload()}.
     */
    void disableRuntime(List<String> names);

    /**
     * daemon-reload: systemd re-reads all unit files. Blocks ~0.2-0.3 s, so callers batch: one reload
     * after all the links/enables of a batch.
     */
    void reload();

    /** NeedDaemonReload of the unit: its file changed on disk since systemd loaded it. */
    boolean needsReload(String name);

    /**
     * Starts the unit (StartUnit, mode "replace") without waiting: many starts can be in flight at
     * once. The future completes when systemd ends the job (its JobRemoved) with the job's result: for
     * Type=simple right after fork, for oneshot at exit. It fails with {@link SystemdException.Rejected}
     * if systemd refuses (e.g. unit not found), and with {@link SystemdException.Unavailable} if the
     * connection dropped first. Blocks only while {@link SystemdOptions#maxInFlight()} calls await
     * their replies. The future has no timeout of its own (use {@code orTimeout}).
     */
    CompletableFuture<JobResult> start(String name);

    /** Stops the unit, like {@link #start}. A unit that is not loaded completes with {@link JobResult#NOT_LOADED}. */
    CompletableFuture<JobResult> stop(String name);

    /** Restarts the unit (starts it if stopped), like {@link #start}. Picks up a reloaded unit file. */
    CompletableFuture<JobResult> restart(String name);

    /** Resets the unit's failed state. A unit that is not loaded is success. */
    void resetFailed(String name);

    /**
     * States of these units in one call per 1,000 names (ListUnitsByNames). Every name gets an entry:
     * a GC'd unit whose file exists reads loaded/inactive/dead, an unknown or invalid one
     * not-found/inactive/dead.
     */
    Map<String, UnitStatus> statuses(Collection<String> names);

    /** The state of one unit; prefer {@link #statuses} for many. */
    default UnitStatus status(String name) {
        return statuses(List.of(name)).get(name);
    }

    /**
     * Delivers state changes of all units from systemd's signals, on the client's event thread.
     * To miss nothing, call watch() first and read {@link #statuses} after.
     */
    UnitWatch watch(UnitStateListener listener);

    /** Disconnects; pending job futures fail with {@link SystemdException.Unavailable}. Idempotent. */
    @Override
    void close();
}
