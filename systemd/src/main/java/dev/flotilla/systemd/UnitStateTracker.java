package dev.flotilla.systemd;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Turns systemd's unit signals into "this unit's state changed" events. Confined to the client's
 * event thread, so it needs no locking.
 *
 * <ul>
 *   <li>Only changes are delivered: systemd often repeats a state (several PropertiesChanged per
 *       transition). A change is of the three words, the StateChangeTimestamp or the NRestarts. UnitNew carries no state: a new unit's first state arrives by PropertiesChanged.</li>
 *   <li>PropertiesChanged carries ActiveState/SubState but never LoadState (constant per unit object),
 *       so the load state is the last known one, or "loaded" for a unit first seen changing state
 *       (systemd only runs jobs on units that loaded). It is re-read in bulk after each reload.</li>
 *   <li>UnitRemoved outside a reload = the unit was garbage-collected: reported as inactive/dead and
 *       forgotten. During a reload systemd tears down and re-creates every unit; that burst, bracketed
 *       by Reloading(true)/Reloading(false), is not a departure and is ignored.</li>
 * </ul>
 */
final class UnitStateTracker {

    private final Map<String, UnitStatus> last = new HashMap<>();
    /** NRestarts from a service's Service-interface signal, which systemd sends just before the Unit one. */
    private final Map<String, Integer> restarts = new HashMap<>();
    private final BiConsumer<String, UnitStatus> sink;
    private boolean reloading;

    UnitStateTracker(BiConsumer<String, UnitStatus> sink) {
        this.sink = sink;
    }

    /** A PropertiesChanged on the unit's org.freedesktop.systemd1.Unit interface; null = not in the signal. */
    void propertiesChanged(String name, String activeState, String subState) {
        propertiesChanged(name, activeState, subState, null);
    }

    /**
     * As above, with the StateChangeTimestamp (microseconds) the signal carried, or null. The
     * restarts are the last NRestarts heard for the unit ({@link #serviceRestarts}).
     */
    void propertiesChanged(String name, String activeState, String subState, Long sinceMicros) {
        UnitStatus prev = last.get(name);
        String active = activeState != null ? activeState : prev != null ? prev.activeState() : null;
        String sub = subState != null ? subState : prev != null ? prev.subState() : null;
        if (active == null || sub == null) {
            return; // nothing state-related in this signal
        }
        String load = prev != null ? prev.loadState() : UnitStatus.LOADED;
        long since = sinceMicros != null ? sinceMicros : prev != null ? prev.sinceMicros() : 0;
        int n = restarts.getOrDefault(name, prev != null ? prev.restarts() : 0);
        deliver(new UnitStatus(name, load, active, sub, n, since));
    }

    /**
     * A PropertiesChanged on a service's org.freedesktop.systemd1.Service interface that carried
     * NRestarts. systemd sends it right before the Unit interface's (documented order), so the
     * count rides along with the state change that follows; alone it delivers nothing.
     */
    void serviceRestarts(String name, int count) {
        restarts.put(name, count); // forgotten with the unit (unitRemoved), as its state
    }

    void unitRemoved(String name) {
        if (reloading) {
            return;
        }
        UnitStatus prev = last.remove(name);
        restarts.remove(name);
        if (prev == null) {
            return; // never reported: e.g. a unit loaded only to be looked at
        }
        // Forgotten, so that memory stays bounded by the loaded units; a unit loaded again later
        // may thus report its initial inactive/dead once more.
        UnitStatus gone = new UnitStatus(name, prev.loadState(), UnitStatus.INACTIVE, UnitStatus.DEAD);
        if (!gone.sameStateAs(prev)) {
            sink.accept(name, gone);
        }
    }

    void reloading(boolean active) {
        reloading = active;
    }

    boolean isReloading() {
        return reloading;
    }

    /** Names of the units this tracker reports on, to re-read after a reload. */
    Set<String> knownNames() {
        return Set.copyOf(last.keySet());
    }

    /** Fresh states read in bulk (after a reload): delivers what differs, load state included. */
    void refreshed(Map<String, UnitStatus> fresh) {
        for (UnitStatus s : fresh.values()) {
            UnitStatus prev = last.get(s.name());
            if (prev != null) {
                deliver(s.withDetailsOf(prev));
            }
        }
    }

    /** After a reconnect: forget everything, the listeners re-read states themselves. */
    void reset() {
        last.clear();
        restarts.clear();
        reloading = false;
    }

    private void deliver(UnitStatus next) {
        UnitStatus prev = last.put(next.name(), next);
        if (!next.sameStateAs(prev) || next.restarts() != prev.restarts() || next.sinceMicros() != prev.sinceMicros()) {
            sink.accept(next.name(), next);
        }
    }
}
