package dev.flotilla.api;

import java.util.List;

/**
 * Everything {@code list-units} and {@code list-unit-files} show, in one answer: the units sorted
 * by name, and every published state sorted by unit name then machine id (a state may name a
 * unit that was just destroyed and is still being stopped). A part not asked for is empty.
 */
public record UnitListing(List<UnitFileEntry> units, List<UnitStateEntry> states) {
    /** The halves of a listing; asking for one only saves reading and sending the other. */
    public enum Part {
        UNITS, STATES;

        /** The value of the {@code include} query parameter. */
        public String queryValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public UnitListing {
        units = units == null ? List.of() : List.copyOf(units);
        states = states == null ? List.of() : List.copyOf(states);
    }
}
