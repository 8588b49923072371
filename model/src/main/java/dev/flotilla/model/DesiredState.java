package dev.flotilla.model;

import java.util.Locale;

/** What the user wants of a unit: fleet's target states, one step apart. */
public enum DesiredState {
    INACTIVE, LOADED, LAUNCHED;

    /** fleet's spelling, used in the API and the CLI. */
    public String fleetName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DesiredState parse(String text) {
        for (DesiredState s : values()) {
            if (s.fleetName().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown desired state '" + text + "' (inactive, loaded or launched)");
    }
}
