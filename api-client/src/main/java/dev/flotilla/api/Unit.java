package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

import java.util.List;

/**
 * A unit in fleet v1's shape: its options instead of its text. fleet omitted empty fields, and
 * so do we.
 *
 * @param currentState what its machine did, as fleet reported it: {@code inactive} when not
 *                     scheduled or not reported by its machine yet, {@code launched} once launched
 *                     there (and until its machine has stopped it), else {@code loaded}
 * @param machineID    the machine it is scheduled to, empty when none
 */
@JsonOmit(JsonOmit.When.EMPTY)
public record Unit(String name, List<Option> options, String desiredState, String currentState, String machineID) {
    public Unit {
        options = options == null ? List.of() : List.copyOf(options);
    }

    /** One {@code Name=Value} line of the unit file and its section. */
    @JsonOmit(JsonOmit.When.EMPTY)
    public record Option(String section, String name, String value) {
    }
}
