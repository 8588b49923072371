package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

/**
 * One unit of {@code POST /flotilla/v1/units}: {@link UnitRequest}'s fields with the unit's name.
 *
 * @param name         the unit's name, e.g. {@code web.service}
 * @param text         the unit file, exactly; null to leave the text as it is (the unit must exist)
 * @param desiredState inactive, loaded or launched; null to keep it (a new unit starts inactive)
 * @param replace      allow replacing an existing unit whose text differs
 */
@JsonOmit(JsonOmit.When.NULL)
public record UnitSubmission(String name, String text, String desiredState, Boolean replace) {
    public boolean replaceAllowed() {
        return replace != null && replace;
    }
}
