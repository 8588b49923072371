package dev.flotilla.api;

/**
 * The answer to {@code PUT /flotilla/v1/units/{name}}: what happened, and the unit's name, hash
 * and desired state afterwards.
 *
 * @param change {@code created}, {@code replaced} (new text), {@code updated} (desired state
 *               only) or {@code unchanged}
 */
public record UnitChange(String change, String name, String hash, String desiredState) {
    public static final String CREATED = "created";
    public static final String REPLACED = "replaced";
    public static final String UPDATED = "updated";
    public static final String UNCHANGED = "unchanged";
}
