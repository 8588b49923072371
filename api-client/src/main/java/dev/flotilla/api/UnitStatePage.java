package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One page of unit states (fleet v1's UnitStatePage); no token on the last page. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record UnitStatePage(List<UnitStateEntity> states, String nextPageToken) {
    public UnitStatePage {
        states = states == null ? List.of() : List.copyOf(states);
    }
}
