package dev.flotilla.systemd;

/**
 * Receives unit state changes from systemd's signals. All callbacks of one client run on one
 * thread, in signal order; keep them short (hand work off) since they delay later events and the
 * completion of start/stop futures.
 */
@FunctionalInterface
public interface UnitStateListener {

    /**
     * A unit's state changed. Only real changes are delivered (systemd's duplicate signals are
     * dropped). A unit that systemd unloaded (GC'd after stop, or after reset-failed) is reported as
     * inactive/dead. The load state is the last one the client read; systemd does not signal it
     * (it is constant per unit object), and it is re-read in bulk after every daemon reload.
     */
    void changed(String name, UnitStatus status);

    /**
     * Signals may have been missed (the client reconnected after a dropped connection or a
     * re-exec of systemd): re-read every state you care about with {@link Systemd#statuses}.
     */
    default void resync() {
    }

    /** The connection state changed (connected / reconnecting / closed). */
    default void connectionChanged(SystemdConnectionState state) {
    }
}
