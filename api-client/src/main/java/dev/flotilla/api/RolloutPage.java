package dev.flotilla.api;

import java.util.List;

/** {@code GET /flotilla/v1/rollouts}: every rollout the cluster keeps, newest first. */
public record RolloutPage(List<RolloutView> rollouts) {
}
