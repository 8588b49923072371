package dev.flotilla.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Rollout} goes: how many units change at once, how long each must be active
 * without a restart to count as healthy, by when, and whether a failure puts the changed units back.
 */
public record RolloutSettings(int maxParallel, Duration minHealthy, Duration healthyDeadline, boolean autoRevert) {
    public static final RolloutSettings DEFAULT =
            new RolloutSettings(1, Duration.ofSeconds(10), Duration.ofMinutes(5), false);

    public RolloutSettings {
        Objects.requireNonNull(minHealthy, "minHealthy");
        Objects.requireNonNull(healthyDeadline, "healthyDeadline");
        if (maxParallel < 1) {
            throw new IllegalArgumentException("max_parallel must be at least 1, not " + maxParallel);
        }
        if (minHealthy.isNegative()) {
            throw new IllegalArgumentException("min_healthy must not be negative: " + minHealthy);
        }
        if (healthyDeadline.compareTo(minHealthy) <= 0) {
            throw new IllegalArgumentException("healthy_deadline (" + healthyDeadline.toSeconds()
                    + " s) must be longer than min_healthy (" + minHealthy.toSeconds() + " s)");
        }
    }
}
