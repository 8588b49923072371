package dev.flotilla.model;

import java.util.Objects;

/**
 * One unit of a {@link Rollout}: its text before and after, and how far it is.
 *
 * @param changedMillis when the engine wrote the unit's current target text (its healthy deadline runs from here); 0 before
 * @param detail        why it failed ("" otherwise)
 */
public record RolloutUnit(String name, String oldHash, String newHash, Step step, long changedMillis, String detail) {

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
    }

    public static RolloutUnit pending(String name, String oldHash, String newHash) {
        return new RolloutUnit(name, oldHash, newHash, Step.PENDING, 0, "");
    }

    public RolloutUnit at(Step next, long changed) {
        return new RolloutUnit(name, oldHash, newHash, next, changed, detail);
    }

    public RolloutUnit failed(String why) {
        return new RolloutUnit(name, oldHash, newHash, Step.FAILED, changedMillis, why);
    }

    /** The hash the unit should be on now: the old one once it is reverted or being reverted. */
    public String targetHash() {
        return step == Step.REVERTING || step == Step.REVERTED || step == Step.PENDING ? oldHash : newHash;
    }
}
