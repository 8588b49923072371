package dev.flotilla.api;

import java.util.List;

/** The answer to {@code POST /flotilla/v1/units}: one result per unit, in the order sent. */
public record UnitResults(List<UnitResult> results) {
    public UnitResults {
        results = results == null ? List.of() : List.copyOf(results);
    }
}
