package dev.flotilla.api;

/**
 * The answer to {@code PUT /flotilla/v1/units/{name}}: what happened, and the unit's name, hash
 * and desired state afterwards.
 *
 * @param change   {@code created}, {@code replaced} (new text), {@code updated} (desired state
 *                 only) or {@code unchanged}
 * @param revision the etcd modification revision of the unit record after the request (the write's
 *                 own, unless another came since): the states that answer it carry
 *                 {@code answers >= revision} (see {@link UnitStateEntry#answers()}); 0 when not known
 */
public record UnitChange(String change, String name, String hash, String desiredState, long revision) {
    public static final String CREATED = "created";
    public static final String REPLACED = "replaced";
    public static final String UPDATED = "updated";
    public static final String UNCHANGED = "unchanged";

    public UnitChange(String change, String name, String hash, String desiredState) {
        this(change, name, hash, desiredState, 0);
    }

    /** Whether the request changed the unit (text or desired state), so that its agent answers it. */
    public boolean changedSomething() {
        return !UNCHANGED.equals(change);
    }
}
