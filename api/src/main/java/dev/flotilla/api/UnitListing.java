package dev.flotilla.api;

import java.util.List;

/**
 * Everything {@code list-units} and {@code list-unit-files} show, in one answer: the units sorted
 * by name, and every published state sorted by unit name then machine id (a state may name a
 * unit that was just destroyed and is still being stopped).
 */
public record UnitListing(List<UnitFileEntry> units, List<UnitStateEntry> states) {
    public UnitListing {
        units = units == null ? List.of() : List.copyOf(units);
        states = states == null ? List.of() : List.copyOf(states);
    }
}
