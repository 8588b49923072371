package dev.flotilla.model;

import java.util.Objects;

/**
 * One unit of a {@link Rollout}: its text before and after, and how far it is.
 *
 * @param changedMillis when the engine wrote the unit's current target text (its healthy deadline runs from here); 0 before
 * @param detail        why it failed ("" otherwise)
 * @param machine       for a global unit, the one machine this step rolls it on ("" for any other unit: the unit itself)
 */
public record RolloutUnit(String name, String oldHash, String newHash, Step step, long changedMillis, String detail,
                          String machine) {

    /** A unit's progress; UPDATING and REVERTING are watched for health. */
    public enum Step {
        PENDING, UPDATING, HEALTHY, FAILED, REVERTING, REVERTED;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public RolloutUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(oldHash, "oldHash");
        Objects.requireNonNull(newHash, "newHash");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(machine, "machine");
    }

    /** A step of a unit that is not global. */
    public RolloutUnit(String name, String oldHash, String newHash, Step step, long changedMillis, String detail) {
        this(name, oldHash, newHash, step, changedMillis, detail, "");
    }

    public static RolloutUnit pending(String name, String oldHash, String newHash) {
        return new RolloutUnit(name, oldHash, newHash, Step.PENDING, 0, "");
    }

    /** A global unit's step on one machine. */
    public static RolloutUnit pendingOn(String machine, String name, String oldHash, String newHash) {
        return new RolloutUnit(name, oldHash, newHash, Step.PENDING, 0, "", machine);
    }

    /** Whether this step rolls a global unit on one machine. */
    public boolean onMachine() {
        return !machine.isEmpty();
    }

    /** What names this step in a rollout: the unit, or the unit on its machine. */
    public String key() {
        return keyOf(name, machine);
    }

    /** The key of unit's step on machine ("" : the unit itself). */
    public static String keyOf(String unit, String machine) {
        return machine.isEmpty() ? unit : unit + " on " + machine;
    }

    /** The same step with another detail (why it failed, or why it was passed over). */
    public RolloutUnit withDetail(String why) {
        return new RolloutUnit(name, oldHash, newHash, step, changedMillis, why, machine);
    }

    public RolloutUnit at(Step next, long changed) {
        return new RolloutUnit(name, oldHash, newHash, next, changed, detail, machine);
    }

    public RolloutUnit failed(String why) {
        return new RolloutUnit(name, oldHash, newHash, Step.FAILED, changedMillis, why, machine);
    }

    /** The hash the unit should be on now: the old one once it is reverted or being reverted. */
    public String targetHash() {
        return step == Step.REVERTING || step == Step.REVERTED || step == Step.PENDING ? oldHash : newHash;
    }
}
