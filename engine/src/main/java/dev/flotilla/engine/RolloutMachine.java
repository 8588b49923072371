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
import java.util.Set;

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
 * <li>A global unit rolls as (unit, machine) steps: its record takes the new text, its index (what
 *     the agents follow) keeps the old one, and each changed machine is pinned at the new hash by an
 *     assignment; at the end the index moves and the pins go (see {@link #globalEffects}). A global
 *     has one text outside a rollout, so failure without auto_revert and abort put its machines back too.</li>
 * </ul>
 * Texts are level-triggered: every step asks for each changed unit whose text is not yet its target,
 * so a step cut short by a failover is finished by the next leader, and nothing is written twice
 * that already holds. Health is timed on the engine's clock (or systemd's state change time when the
 * agent publishes it); a new leader starts the health clocks again, so it only ever waits longer.
 */
final class RolloutMachine {
    /** The reason of an abort, kept while a global's changed machines are put back. */
    static final String ABORTED = "aborted on request";
    /** The detail of a global's step whose machine left: passed over, counted as done. */
    static final String MACHINE_LEFT = "its machine left";

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
     * @param states      the published state of each watched step (by {@link RolloutUnit#key()}): a unit's on the
     *                    machine it is assigned to, a global's on the step's machine
     * @param indexHashes a global unit's hash in the globals index, the text its agents follow
     * @param pins        the hash of each global step's pin (its assignment on the step's machine), by step key
     * @param machines    the registered machines (null: not read, every machine counts as present)
     */
    record Observed(long nowMillis, Map<String, String> unitHashes, Map<String, UnitState> states,
                    Map<String, String> indexHashes, Map<String, String> pins, Set<String> machines) {
        /** What a rollout without global units needs. */
        Observed(long nowMillis, Map<String, String> unitHashes, Map<String, UnitState> states) {
            this(nowMillis, unitHashes, states, Map.of(), Map.of(), null);
        }

        /** Whether the machine is registered (unknown: taken as registered). */
        boolean present(String machine) {
            return machines == null || machines.contains(machine);
        }
    }

    /** What the driver does. */
    sealed interface Effect {
        /** Store the record (fenced, compare-and-set). */
        record Save(Rollout rollout) implements Effect {
        }

        /**
         * Give the unit the rollout's text of this hash (only if it holds the other of old and new);
         * recordOnly: the unit record alone, a global's index (what its agents follow) stays.
         */
        record WriteText(String unit, String hash, boolean recordOnly) implements Effect {
            WriteText(String unit, String hash) {
                this(unit, hash, false);
            }
        }

        /** Hold a global unit on one machine at this hash (an assignment, which wins over the global there). */
        record Pin(String unit, String machine, String hash) implements Effect {
        }

        /** Let the machine follow the global again. */
        record Unpin(String unit, String machine) implements Effect {
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
        if (r.phase() == Phase.ABORTED && r.rollsGlobal()) {
            // A global keeps one text outside a rollout: an abort puts its changed machines back first.
            r = revert(r.withPhase(Phase.REVERTING, ABORTED, now), seen, now);
        }
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
                if (!u.onMachine() && changedByUs(u.step()) && current != null && !current.equals(u.targetHash())
                        && (current.equals(u.oldHash()) || current.equals(u.newHash()))) {
                    effects.add(new Effect.WriteText(u.name(), u.targetHash()));
                }
            }
            globalEffects(r, seen, effects);
        } else {
            effects.add(new Effect.Release(r.unitNames()));
            watches.clear();
        }
        Rollout after = r;
        watches.keySet().removeIf(key -> after.units().stream().noneMatch(u -> u.key().equals(key) && watched(u.step())));
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
            // A global's revert already puts its machines back: an abort then changes nothing.
            case ABORT -> r.phase() == Phase.REVERTING && r.rollsGlobal() ? cleared : cleared.withPhase(Phase.ABORTED, ABORTED, now);
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
                // A global's record takes the new text with its first batch; its pending machines still run the old.
                boolean ours = current.equals(u.oldHash()) || u.onMachine() && current.equals(u.newHash());
                if (ours && u.onMachine() && !seen.present(u.machine())) {
                    return u.at(Step.HEALTHY, now).withDetail(MACHINE_LEFT);
                }
                return ours ? u : u.failed("changed outside the rollout (now hash " + current + ")");
            }
            String current = seen.unitHashes().get(u.name());
            if (current == null) {
                return u.step() == Step.FAILED ? u : u.failed("deleted during the rollout");
            }
            if (watched(u.step()) && u.onMachine() && !seen.present(u.machine())) {
                // Nothing left to watch there; a machine that comes back follows the global (or a pin) anew.
                watches.remove(u.key());
                return u.at(u.step() == Step.REVERTING ? Step.REVERTED : Step.HEALTHY, u.changedMillis()).withDetail(MACHINE_LEFT);
            }
            if (!watched(u.step())) {
                return u;
            }
            if (!current.equals(u.oldHash()) && !current.equals(u.newHash())) {
                return u.failed("changed outside the rollout (now hash " + current + ")");
            }
            String target = u.targetHash();
            UnitState s = seen.states().get(u.key());
            boolean onTarget = s != null && target.equals(s.hash());
            String doing = u.step() == Step.REVERTING ? "its revert " : "";
            if (onTarget && "failed".equals(s.activeState())) {
                watches.remove(u.key());
                return u.failed(doing + "failed on " + s.machineId() + " (" + s.activeState() + "/" + s.subState() + ")");
            }
            if (onTarget && "active".equals(s.activeState())) {
                HealthWatch w = watches.get(u.key());
                if (w == null || !w.hash().equals(target) || w.restarts() != s.restarts()) {
                    long since = w != null && w.hash().equals(target) || s.sinceMicros() <= 0 ? now : s.sinceMicros() / 1000;
                    w = new HealthWatch(target, Math.max(since, u.changedMillis()), s.restarts());
                    watches.put(u.key(), w);
                }
                // A revert puts back a text that ran before: active on it is enough.
                long needed = u.step() == Step.REVERTING ? 0 : minHealthy;
                if (now - w.sinceMillis() >= needed) {
                    watches.remove(u.key());
                    return u.at(u.step() == Step.REVERTING ? Step.REVERTED : Step.HEALTHY, u.changedMillis());
                }
            } else {
                watches.remove(u.key());
            }
            if (now - u.changedMillis() >= deadline) {
                watches.remove(u.key());
                return u.failed(doing + "not healthy within " + r.settings().healthyDeadline().toSeconds() + " s (last seen: "
                        + (s == null ? "no state" : s.activeState() + "/" + s.subState() + " on hash " + shortHash(s.hash())) + ")");
            }
            return u;
        }, r.updatedMillis());
    }

    private static Rollout decide(Rollout r, Observed seen, long now) {
        Optional<RolloutUnit> failed = r.units().stream().filter(u -> u.step() == Step.FAILED).findFirst();
        if (r.phase() == Phase.REVERTING) {
            if (r.units().stream().anyMatch(u -> u.step() == Step.REVERTING) || !globalsBack(r, seen)) {
                return r;
            }
            if (ABORTED.equals(r.reason())) {
                return r.withPhase(Phase.ABORTED, ABORTED + "; its changed machines are back on the old text", now);
            }
            if (failed.isPresent()) {
                return r.withPhase(Phase.FAILED, r.reason() + "; revert of " + failed.get().key() + ": " + failed.get().detail(), now);
            }
            return r.settings().autoRevert() ? r.withPhase(Phase.REVERTED, r.reason(), now)
                    : r.withPhase(Phase.FAILED, r.reason() + "; its changed machines are back on the old text"
                    + " (a global unit keeps one text outside a rollout)", now);
        }
        if (failed.isPresent()) {
            String why = failed.get().key() + " " + failed.get().detail();
            if (!r.settings().autoRevert() && !r.rollsGlobal()) {
                return r.withPhase(Phase.FAILED, why, now);
            }
            return revert(r.withPhase(Phase.REVERTING, why, now), seen, now);
        }
        if (r.phase() != Phase.RUNNING || r.units().stream().anyMatch(u -> u.step() == Step.UPDATING)) {
            return r;
        }
        int room = r.settings().maxParallel();
        List<String> batch = new ArrayList<>();
        for (RolloutUnit u : r.units()) {
            if (u.step() == Step.PENDING && batch.size() < room) {
                batch.add(u.key());
            }
        }
        if (batch.isEmpty()) {
            return globalsDone(r, seen) ? r.withPhase(Phase.SUCCEEDED, "", now) : r;
        }
        return r.withUnits(u -> batch.contains(u.key()) ? u.at(Step.UPDATING, now) : u, now);
    }

    /** Into REVERTING: only units that hold the rollout's text (or were being given it) go back. */
    private static Rollout revert(Rollout r, Observed seen, long now) {
        Rollout reverting = r.withUnits(u -> {
            String current = seen.unitHashes().get(u.name());
            boolean ours = current != null && (current.equals(u.oldHash()) || current.equals(u.newHash()));
            boolean changed = u.step() == Step.UPDATING || u.step() == Step.HEALTHY && !MACHINE_LEFT.equals(u.detail())
                    || u.step() == Step.FAILED && u.changedMillis() > 0;
            return changed && ours ? new RolloutUnit(u.name(), u.oldHash(), u.newHash(), Step.REVERTING, now, u.detail(), u.machine()) : u;
        }, now);
        boolean done = reverting.units().stream().noneMatch(u -> u.step() == Step.REVERTING);
        if (!done || r.rollsGlobal()) {
            return reverting; // a global's record and pins are put back before it ends (decide, next step)
        }
        return ABORTED.equals(r.reason()) ? reverting.withPhase(Phase.ABORTED, ABORTED, now)
                : reverting.withPhase(Phase.REVERTED, r.reason(), now);
    }

    /**
     * A global unit's writes, level-triggered like the texts: while it rolls, its record holds the new
     * text (recordOnly: the index, which every agent follows, keeps the old) and each changed machine a
     * pin at the new hash; once every step is healthy the index takes the new text, then the pins go; a
     * revert deletes the pins first and puts the record back last. Each write waits for the one before
     * it to be seen, so the planner (which keeps a pin only at the record's hash) and the agents never
     * see them out of order.
     */
    private static void globalEffects(Rollout r, Observed seen, List<Effect> effects) {
        Map<String, List<RolloutUnit>> byUnit = new java.util.LinkedHashMap<>();
        r.units().stream().filter(RolloutUnit::onMachine).forEach(u -> byUnit.computeIfAbsent(u.name(), n -> new ArrayList<>()).add(u));
        byUnit.forEach((name, steps) -> {
            String current = seen.unitHashes().get(name);
            RolloutUnit any = steps.get(0);
            if (current == null || !current.equals(any.oldHash()) && !current.equals(any.newHash())) {
                return; // deleted or changed by someone else: the planner drops the pins
            }
            List<RolloutUnit> pinned = steps.stream().filter(u -> seen.pins().containsKey(u.key())).toList();
            if (r.phase() == Phase.REVERTING) {
                pinned.forEach(u -> effects.add(new Effect.Unpin(name, u.machine())));
                if (pinned.isEmpty() && steps.stream().noneMatch(u -> u.step() == Step.REVERTING) && current.equals(any.newHash())) {
                    effects.add(new Effect.WriteText(name, any.oldHash()));
                }
                return;
            }
            if (current.equals(any.oldHash())) {
                if (steps.stream().anyMatch(u -> u.step() != Step.PENDING)) {
                    effects.add(new Effect.WriteText(name, any.newHash(), true));
                }
                return;
            }
            boolean allHealthy = steps.stream().allMatch(u -> u.step() == Step.HEALTHY);
            if (r.phase() == Phase.RUNNING && allHealthy) {
                if (!any.newHash().equals(seen.indexHashes().get(name))) {
                    effects.add(new Effect.WriteText(name, any.newHash()));
                } else {
                    pinned.forEach(u -> effects.add(new Effect.Unpin(name, u.machine())));
                }
                return;
            }
            for (RolloutUnit u : steps) {
                boolean changed = u.step() == Step.UPDATING || u.step() == Step.HEALTHY && !MACHINE_LEFT.equals(u.detail());
                if (changed && seen.present(u.machine()) && !u.newHash().equals(seen.pins().get(u.key()))) {
                    effects.add(new Effect.Pin(name, u.machine(), u.newHash()));
                }
            }
        });
    }

    /** Every global unit of the rollout follows the new text from its index, with no pin left. */
    private static boolean globalsDone(Rollout r, Observed seen) {
        return r.units().stream().filter(RolloutUnit::onMachine).allMatch(u -> {
            String current = seen.unitHashes().get(u.name());
            boolean ours = current != null && (current.equals(u.oldHash()) || current.equals(u.newHash()));
            return !ours || u.newHash().equals(seen.indexHashes().get(u.name())) && !seen.pins().containsKey(u.key());
        });
    }

    /** Every global unit of the rollout is back on its old record, with no pin left. */
    private static boolean globalsBack(Rollout r, Observed seen) {
        return r.units().stream().filter(RolloutUnit::onMachine).allMatch(u -> {
            String current = seen.unitHashes().get(u.name());
            boolean ours = current != null && (current.equals(u.oldHash()) || current.equals(u.newHash()));
            return !ours || current.equals(u.oldHash()) && !seen.pins().containsKey(u.key());
        });
    }

    static String shortHash(String hash) {
        return hash.length() > 7 ? hash.substring(0, 7) : hash;
    }
}
