package dev.flotilla.api;

import java.util.List;

/**
 * A rollout as the API shows it (without its texts). {@code phase} is running, paused, succeeded,
 * failed, aborted, reverting or reverted; {@code request} a pause, resume or abort not yet carried
 * out ("none" otherwise); each unit's {@code step} is pending, updating, healthy, failed, reverting or reverted.
 */
public record RolloutView(String id, String phase, String request, String reason, int maxParallel,
                          double minHealthySeconds, double healthyDeadlineSeconds, boolean autoRevert,
                          long createdMillis, long updatedMillis, List<Unit> units) {

    public record Unit(String name, String oldHash, String newHash, String step, String detail) {
    }

    /** Whether the rollout is over (nothing more will change). */
    public boolean ended() {
        return switch (phase) {
            case "succeeded", "failed", "aborted", "reverted" -> true;
            default -> false;
        };
    }

    public long count(String step) {
        return units.stream().filter(u -> u.step().equals(step)).count();
    }
}
