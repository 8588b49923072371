package dev.flotilla.systemd;

import java.util.Objects;

/**
 * systemd's three state words for one unit, as {@code systemctl} shows them.
 *
 * @param name        the unit name, e.g. {@code web@1.service}
 * @param loadState   loaded, not-found, bad-setting, error, masked, ...
 * @param activeState active, reloading, inactive, failed, activating, deactivating
 * @param subState    unit-type specific: running, exited, dead, failed, ...
 * @param restarts    a service's {@code NRestarts} (how often {@code Restart=} restarted it), 0 for other
 *                    units or when not known
 * @param sinceMicros the unit's {@code StateChangeTimestamp} (microseconds since the epoch), 0 when not
 *                    known: both come with systemd's state signals, not with the bulk read
 *                    ({@code ListUnitsByNames} carries neither); see {@link #withDetailsOf}
 */
public record UnitStatus(String name, String loadState, String activeState, String subState, int restarts,
                         long sinceMicros) {

    public static final String LOADED = "loaded";
    public static final String NOT_FOUND = "not-found";
    public static final String INACTIVE = "inactive";
    public static final String DEAD = "dead";

    public UnitStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(loadState, "loadState");
        Objects.requireNonNull(activeState, "activeState");
        Objects.requireNonNull(subState, "subState");
    }

    /** The three words without the details (restarts, state change time): not known. */
    public UnitStatus(String name, String loadState, String activeState, String subState) {
        this(name, loadState, activeState, subState, 0, 0);
    }

    /** Whether the state change time is known (it came with a signal). */
    public boolean hasDetails() {
        return sinceMicros != 0;
    }

    /**
     * This status, with the restarts and state change time of {@code earlier} when this one does
     * not know them and the three words are the same: a bulk read never forgets what a signal told.
     */
    public UnitStatus withDetailsOf(UnitStatus earlier) {
        if (hasDetails() || earlier == null || !earlier.hasDetails() || !sameStateAs(earlier)) {
            return this;
        }
        return new UnitStatus(name, loadState, activeState, subState, earlier.restarts, earlier.sinceMicros);
    }

    /**
     * The status of a unit systemd does not know at all: what systemd itself reports for it.
     * (A GC'd unit whose file exists is reported by systemd as loaded/inactive/dead.)
     */
    public static UnitStatus notFound(String name) {
        return new UnitStatus(name, NOT_FOUND, INACTIVE, DEAD);
    }

    public boolean isActive() {
        return "active".equals(activeState);
    }

    public boolean isFailed() {
        return "failed".equals(activeState);
    }

    /** inactive/dead: stopped, GC'd or never started. */
    public boolean isInactiveDead() {
        return INACTIVE.equals(activeState) && DEAD.equals(subState);
    }

    /** Same load/active/sub words, whatever the name (and the details). */
    public boolean sameStateAs(UnitStatus other) {
        return other != null && loadState.equals(other.loadState) && activeState.equals(other.activeState)
                && subState.equals(other.subState);
    }

    UnitStatus withLoadState(String newLoadState) {
        return new UnitStatus(name, newLoadState, activeState, subState, restarts, sinceMicros);
    }
}
