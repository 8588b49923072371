package dev.flotilla.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A rolling replacement of the text of running units, as its record in the cluster holds it: what
 * the engine leader advances batch by batch, so it outlives the client that asked for it and an
 * engine failover.
 *
 * @param texts    the texts the rollout writes, by hash (old and new; a template's instances share one)
 * @param request  what a client asked for and the engine has not carried out yet
 * @param reason   why it ended failed or aborted ("" otherwise)
 */
public record Rollout(String id, List<RolloutUnit> units, Map<String, String> texts, RolloutSettings settings,
                      Phase phase, Request request, String reason, long createdMillis, long updatedMillis) {

    /** Where a rollout is. */
    public enum Phase {
        RUNNING, PAUSED, SUCCEEDED, FAILED, ABORTED, REVERTING, REVERTED;

        /** The rollout is over: nothing more is written, its units are free for another. */
        public boolean ended() {
            return this == SUCCEEDED || this == FAILED || this == ABORTED || this == REVERTED;
        }

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A client's request, carried out by the engine leader at its next step. */
    public enum Request {
        NONE, PAUSE, RESUME, ABORT
    }

    public Rollout {
        Objects.requireNonNull(id, "id");
        units = List.copyOf(units);
        texts = Map.copyOf(texts);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(reason, "reason");
    }

    public Rollout withPhase(Phase next, String why, long now) {
        return new Rollout(id, units, texts, settings, next, request, why, createdMillis, now);
    }

    public Rollout withRequest(Request r) {
        return new Rollout(id, units, texts, settings, phase, r, reason, createdMillis, updatedMillis);
    }

    public Rollout withUnits(UnaryOperator<RolloutUnit> change, long now) {
        List<RolloutUnit> next = new ArrayList<>(units.size());
        units.forEach(u -> next.add(change.apply(u)));
        return new Rollout(id, next, texts, settings, phase, request, reason, createdMillis, now);
    }

    /** How many units are at each step, for a progress line. */
    public long count(RolloutUnit.Step step) {
        return units.stream().filter(u -> u.step() == step).count();
    }

    /** The units it holds, each once (a global unit has a step per machine). */
    public List<String> unitNames() {
        return units.stream().map(RolloutUnit::name).distinct().toList();
    }

    /** Whether it rolls a global unit machine by machine. */
    public boolean rollsGlobal() {
        return units.stream().anyMatch(RolloutUnit::onMachine);
    }
}
