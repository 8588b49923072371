package dev.flotilla.systemd;

import java.util.Objects;

/**
 * systemd's three state words for one unit, as {@code systemctl} shows them.
 *
 * @param name        the unit name, e.g. {@code web@1.service}
 * @param loadState   loaded, not-found, bad-setting, error, masked, ...
 * @param activeState active, reloading, inactive, failed, activating, deactivating
 * @param subState    unit-type specific: running, exited, dead, failed, ...
 */
public record UnitStatus(String name, String loadState, String activeState, String subState) {

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

    /** Same load/active/sub words, whatever the name. */
    boolean sameStateAs(UnitStatus other) {
        return other != null && loadState.equals(other.loadState) && activeState.equals(other.activeState)
                && subState.equals(other.subState);
    }

    UnitStatus withLoadState(String newLoadState) {
        return new UnitStatus(name, newLoadState, activeState, subState);
    }
}
