package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One page of units (fleet v1's UnitPage); no token on the last page. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record UnitPage(List<Unit> units, String nextPageToken) {
    public UnitPage {
        units = units == null ? List.of() : List.copyOf(units);
    }
}
