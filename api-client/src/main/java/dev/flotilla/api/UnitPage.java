package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

import java.util.List;

/** One page of units (fleet v1's UnitPage); no token on the last page. */
@JsonOmit(JsonOmit.When.EMPTY)
public record UnitPage(List<Unit> units, String nextPageToken) {
    public UnitPage {
        units = units == null ? List.of() : List.copyOf(units);
    }
}
