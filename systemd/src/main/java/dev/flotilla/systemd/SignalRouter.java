package dev.flotilla.systemd;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes systemd's signals: JobRemoved to the {@link JobTracker}, unit state signals through the
 * {@link UnitStateTracker} to the {@link UnitStateListener}s, and the connection's news to the same
 * listeners. dbus-java's threads only hand over; everything else runs on the client's one event
 * thread ({@code events}), in signal order.
 */
final class SignalRouter implements Session.Signals, ReconnectingSession.Watchers {

    private static final Logger LOG = LoggerFactory.getLogger(Systemd.class);

    private final ExecutorService events;
    private final JobTracker jobs;
    private final UnitStateTracker states;
    private final List<UnitStateListener> listeners = new CopyOnWriteArrayList<>();
    private final BooleanSupplier connected;
    private final Function<Collection<String>, Map<String, UnitStatus>> statuses;

    /**
     * @param connected whether a connection is live now (a reload's re-read is skipped without one)
     * @param statuses  reads unit states from systemd (after a daemon reload)
     */
    SignalRouter(ExecutorService events, JobTracker jobs, BooleanSupplier connected,
            Function<Collection<String>, Map<String, UnitStatus>> statuses) {
        this.events = events;
        this.jobs = jobs;
        this.connected = connected;
        this.statuses = statuses;
        this.states = new UnitStateTracker(this::deliver);
    }

    UnitWatch watch(UnitStateListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
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
    public void unitPropertiesChanged(Session s, String unit, String activeState, String subState, Long sinceMicros) {
        postFrom(s, () -> states.propertiesChanged(unit, activeState, subState, sinceMicros));
    }

    @Override
    public void serviceRestarts(Session s, String unit, int restarts) {
        postFrom(s, () -> states.serviceRestarts(unit, restarts));
    }

    // ---- the connection's news -------------------------------------------------------------------

    @Override
    public void tell(SystemdConnectionState changed, boolean resync) {
        post(() -> {
            if (resync) {
                states.reset();
            }
            if (changed != null) {
                notifyConnection(changed);
            }
            if (resync) {
                resyncListeners();
            }
        });
    }

    /** Load states may change on reload and are never signalled: re-read the units we report on. */
    private void refreshAfterReload() {
        var names = states.knownNames();
        if (names.isEmpty()) {
            return;
        }
        if (!connected.getAsBoolean()) {
            return; // a resync follows the reconnect anyway
        }
        try {
            states.refreshed(statuses.apply(names));
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
}
