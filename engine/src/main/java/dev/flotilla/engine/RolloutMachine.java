package dev.flotilla.engine;

import dev.flotilla.model.Rollout;
import dev.flotilla.model.Rollout.Phase;
import dev.flotilla.model.RolloutUnit;
import dev.flotilla.model.RolloutUnit.Step;
import dev.flotilla.model.UnitState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rollout's steps as a pure function: (progress, what the engine saw) to the next progress and
 * the effects to carry out. No I/O here; {@link RolloutDriver} reads the cluster, feeds it in and
 * writes the effects, fenced, as the engine leader.
 *
 * <ul>
 * <li>RUNNING: a batch of up to {@code max_parallel} PENDING units is given the new text (UPDATING);
 *     each becomes HEALTHY once its state is {@code active} on the new hash with no restart for
 *     {@code min_healthy}; the next batch starts when none is UPDATING; none left: SUCCEEDED.</li>
 * <li>A unit {@code failed} on its new hash, not healthy within {@code healthy_deadline} of its change,
 *     changed or deleted by someone else: FAILED, and the rollout FAILED; with {@code auto_revert}
 *     REVERTING instead: every changed unit gets its old text back, and once each is active on
 *     it the rollout is REVERTED (FAILED if a revert fails or misses its deadline).</li>
 * <li>Requests: PAUSE (RUNNING to PAUSED: units already changing are still watched, no new batch),
 *     RESUME (back to RUNNING), ABORT (to ABORTED: nothing more is changed, units stay as they are).</li>
 * </ul>
 * Texts are level-triggered: every step asks for each changed unit whose text is not yet its target,
 * so a step cut short by a failover is finished by the next leader, and nothing is written twice
 * that already holds. Health is timed on the engine's clock (or systemd's state change time when the
 * agent publishes it); a new leader starts the health clocks again, so it only ever waits longer.
 */
final class RolloutMachine {
    private RolloutMachine() {
    }

    /** The record and what only this leader knows: since when each watched unit looks healthy. */
    record Progress(Rollout rollout, Map<String, HealthWatch> watches) {
        Progress {
            watches = Map.copyOf(watches);
        }

        static Progress of(Rollout rollout) {
            return new Progress(rollout, Map.of());
        }
    }

    /** A unit seen active on hash since sinceMillis, with this many restarts then. */
    record HealthWatch(String hash, long sinceMillis, int restarts) {
    }

    /**
     * What the engine saw.
     *
     * @param unitHashes the current hash of each unit of the rollout (absent: the unit is gone)
     * @param states     the published state of each unit on the machine it is assigned to
     */
    record Observed(long nowMillis, Map<String, String> unitHashes, Map<String, UnitState> states) {
    }

    /** What the driver does. */
    sealed interface Effect {
        /** Store the record (fenced, compare-and-set). */
        record Save(Rollout rollout) implements Effect {
        }

        /** Give the unit the rollout's text of this hash (only if it holds the other of old and new). */
        record WriteText(String unit, String hash) implements Effect {
        }

        /** The rollout ended: its units are free for another rollout. */
        record Release(List<String> units) implements Effect {
        }
    }

    record Transition(Progress progress, List<Effect> effects) {
    }

    static Transition next(Progress progress, Observed seen) {
        Rollout before = progress.rollout();
        if (before.phase().ended()) {
            return new Transition(progress, List.of());
        }
        long now = seen.nowMillis();
        Map<String, HealthWatch> watches = new HashMap<>(progress.watches());
        Rollout r = carryOutRequest(before, now);
        if (!r.phase().ended()) {
            r = observe(r, seen, watches);
            r = decide(r, seen, now);
        }
        List<Effect> effects = new ArrayList<>();
        if (!r.equals(before)) {
            r = touched(r, now);
            effects.add(new Effect.Save(r));
        }
        if (!r.phase().ended()) {
            for (RolloutUnit u : r.units()) {
                String current = seen.unitHashes().get(u.name());
                if (changedByUs(u.step()) && current != null && !current.equals(u.targetHash())
                        && (current.equals(u.oldHash()) || current.equals(u.newHash()))) {
                    effects.add(new Effect.WriteText(u.name(), u.targetHash()));
                }
            }
        } else {
            effects.add(new Effect.Release(r.unitNames()));
            watches.clear();
        }
        Rollout after = r;
        watches.keySet().removeIf(name -> after.units().stream().noneMatch(u -> u.name().equals(name) && watched(u.step())));
        return new Transition(new Progress(after, watches), effects);
    }

    private static Rollout touched(Rollout r, long now) {
        return new Rollout(r.id(), r.units(), r.texts(), r.settings(), r.phase(), r.request(), r.reason(),
                r.createdMillis(), now);
    }

    private static boolean changedByUs(Step step) {
        return step == Step.UPDATING || step == Step.HEALTHY || step == Step.REVERTING || step == Step.REVERTED;
    }

    private static boolean watched(Step step) {
        return step == Step.UPDATING || step == Step.REVERTING;
    }

    private static Rollout carryOutRequest(Rollout r, long now) {
        Rollout cleared = r.withRequest(Rollout.Request.NONE);
        return switch (r.request()) {
            case NONE -> r;
            case PAUSE -> r.phase() == Phase.RUNNING ? cleared.withPhase(Phase.PAUSED, "", now) : cleared;
            case RESUME -> r.phase() == Phase.PAUSED ? cleared.withPhase(Phase.RUNNING, "", now) : cleared;
            case ABORT -> cleared.withPhase(Phase.ABORTED, "aborted on request", now);
        };
    }

    /** Each watched unit: healthy, failed, past its deadline, or still waited for. */
    private static Rollout observe(Rollout r, Observed seen, Map<String, HealthWatch> watches) {
        long now = seen.nowMillis();
        long minHealthy = r.settings().minHealthy().toMillis();
        long deadline = r.settings().healthyDeadline().toMillis();
        return r.withUnits(u -> {
            if (u.step() == Step.PENDING && seen.unitHashes().get(u.name()) != null) {
                String current = seen.unitHashes().get(u.name());
                return current.equals(u.oldHash()) ? u : u.failed("changed outside the rollout (now hash " + current + ")");
            }
            String current = seen.unitHashes().get(u.name());
            if (current == null) {
                return u.step() == Step.FAILED ? u : u.failed("deleted during the rollout");
            }
            if (!watched(u.step())) {
                return u;
            }
            if (!current.equals(u.oldHash()) && !current.equals(u.newHash())) {
                return u.failed("changed outside the rollout (now hash " + current + ")");
            }
            String target = u.targetHash();
            UnitState s = seen.states().get(u.name());
            boolean onTarget = s != null && target.equals(s.hash());
            String doing = u.step() == Step.REVERTING ? "its revert " : "";
            if (onTarget && "failed".equals(s.activeState())) {
                watches.remove(u.name());
                return u.failed(doing + "failed on " + s.machineId() + " (" + s.activeState() + "/" + s.subState() + ")");
            }
            if (onTarget && "active".equals(s.activeState())) {
                HealthWatch w = watches.get(u.name());
                if (w == null || !w.hash().equals(target) || w.restarts() != s.restarts()) {
                    long since = w != null && w.hash().equals(target) || s.sinceMicros() <= 0 ? now : s.sinceMicros() / 1000;
                    w = new HealthWatch(target, Math.max(since, u.changedMillis()), s.restarts());
                    watches.put(u.name(), w);
                }
                // A revert puts back a text that ran before: active on it is enough.
                long needed = u.step() == Step.REVERTING ? 0 : minHealthy;
                if (now - w.sinceMillis() >= needed) {
                    watches.remove(u.name());
                    return u.at(u.step() == Step.REVERTING ? Step.REVERTED : Step.HEALTHY, u.changedMillis());
                }
            } else {
                watches.remove(u.name());
            }
            if (now - u.changedMillis() >= deadline) {
                watches.remove(u.name());
                return u.failed(doing + "not healthy within " + r.settings().healthyDeadline().toSeconds() + " s (last seen: "
                        + (s == null ? "no state" : s.activeState() + "/" + s.subState() + " on hash " + shortHash(s.hash())) + ")");
            }
            return u;
        }, r.updatedMillis());
    }

    private static Rollout decide(Rollout r, Observed seen, long now) {
        Optional<RolloutUnit> failed = r.units().stream().filter(u -> u.step() == Step.FAILED).findFirst();
        if (r.phase() == Phase.REVERTING) {
            if (r.units().stream().anyMatch(u -> u.step() == Step.REVERTING)) {
                return r;
            }
            return failed.isPresent()
                    ? r.withPhase(Phase.FAILED, r.reason() + "; revert of " + failed.get().name() + ": " + failed.get().detail(), now)
                    : r.withPhase(Phase.REVERTED, r.reason(), now);
        }
        if (failed.isPresent()) {
            String why = failed.get().name() + " " + failed.get().detail();
            if (!r.settings().autoRevert()) {
                return r.withPhase(Phase.FAILED, why, now);
            }
            // Only units that hold the rollout's text (or were being given it) go back.
            Rollout reverting = r.withUnits(u -> {
                String current = seen.unitHashes().get(u.name());
                boolean ours = current != null && (current.equals(u.oldHash()) || current.equals(u.newHash()));
                boolean changed = u.step() == Step.UPDATING || u.step() == Step.HEALTHY
                        || u.step() == Step.FAILED && u.changedMillis() > 0;
                return changed && ours ? new RolloutUnit(u.name(), u.oldHash(), u.newHash(), Step.REVERTING, now, u.detail()) : u;
            }, now).withPhase(Phase.REVERTING, why, now);
            return reverting.units().stream().anyMatch(u -> u.step() == Step.REVERTING)
                    ? reverting : reverting.withPhase(Phase.REVERTED, why, now);
        }
        if (r.phase() != Phase.RUNNING || r.units().stream().anyMatch(u -> u.step() == Step.UPDATING)) {
            return r;
        }
        int room = r.settings().maxParallel();
        List<String> batch = new ArrayList<>();
        for (RolloutUnit u : r.units()) {
            if (u.step() == Step.PENDING && batch.size() < room) {
                batch.add(u.name());
            }
        }
        if (batch.isEmpty()) {
            return r.withPhase(Phase.SUCCEEDED, "", now);
        }
        return r.withUnits(u -> batch.contains(u.name()) ? u.at(Step.UPDATING, now) : u, now);
    }

    static String shortHash(String hash) {
        return hash.length() > 7 ? hash.substring(0, 7) : hash;
    }
}
