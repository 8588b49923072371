package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

/**
 * The body of {@code PUT /flotilla/v1/units/{name}}.
 *
 * @param text         the unit file, exactly; null to leave the text as it is (the unit must exist)
 * @param desiredState inactive, loaded or launched; null to keep it (a new unit starts inactive)
 * @param replace      allow replacing an existing unit whose text differs
 */
@JsonOmit(JsonOmit.When.NULL)
public record UnitRequest(String text, String desiredState, Boolean replace) {
    public boolean replaceAllowed() {
        return replace != null && replace;
    }
}
