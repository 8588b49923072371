package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

import java.util.List;

/** One page of unit states (fleet v1's UnitStatePage); no token on the last page. */
@JsonOmit(JsonOmit.When.EMPTY)
public record UnitStatePage(List<UnitStateEntity> states, String nextPageToken) {
    public UnitStatePage {
        states = states == null ? List.of() : List.copyOf(states);
    }
}
