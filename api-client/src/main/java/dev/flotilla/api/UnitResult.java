package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

/**
 * What {@code POST /flotilla/v1/units} did with one unit: the status a PUT of that unit alone
 * would have answered, and either the change (2xx) or the error message.
 *
 * @param code   201 created; 200 replaced, updated or unchanged; 404 no such unit and no text
 *               given; 409 the text differs and replace was not asked, or the unit kept changing
 * @param change as in {@link UnitChange}, on 2xx
 * @param error  the reason, on 4xx
 * @param revision as in {@link UnitChange#revision()}, on 2xx
 */
@JsonOmit(JsonOmit.When.EMPTY)
public record UnitResult(String name, int code, String change, String hash, String desiredState, String error,
                         long revision) {
    public UnitResult(String name, int code, String change, String hash, String desiredState, String error) {
        this(name, code, change, hash, desiredState, error, 0);
    }

    public boolean succeeded() {
        return code >= 200 && code < 300;
    }
}
