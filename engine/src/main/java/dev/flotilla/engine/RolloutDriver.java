package dev.flotilla.engine;

import dev.flotilla.engine.RolloutMachine.Effect;
import dev.flotilla.engine.RolloutMachine.Observed;
import dev.flotilla.engine.RolloutMachine.Progress;
import dev.flotilla.engine.RolloutMachine.Transition;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Rollout;
import dev.flotilla.model.RolloutUnit;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Rollouts;
import dev.flotilla.registry.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Carries the rollouts forward as the engine leader of one term: each {@link #tick} reads the
 * records that have not ended, the units' hashes and their states on the machines they are
 * assigned to, runs {@link RolloutMachine} and writes its effects fenced (the record first, then
 * the texts, so a failover in between is finished by the next leader's first tick). Engine thread only.
 */
final class RolloutDriver {
    private static final Logger log = LoggerFactory.getLogger(RolloutDriver.class);
    /** Ended rollouts kept for status and listing; older ones are deleted. */
    static final int ENDED_KEPT = 20;

    private final Registry registry;
    private final long fence;
    private final Clock clock;
    private final Function<String, Collection<Assignment>> assignmentsOf;
    private final Map<String, Progress> progress = new HashMap<>();
    private long writes;

    private final Consumer<List<AssignmentChange>> applied;

    RolloutDriver(Registry registry, long fence, Clock clock, Function<String, Collection<Assignment>> assignmentsOf) {
        this(registry, fence, clock, assignmentsOf, changes -> {
        });
    }

    /** @param applied told of the pins written (the engine folds them into its view before the watch echoes them) */
    RolloutDriver(Registry registry, long fence, Clock clock, Function<String, Collection<Assignment>> assignmentsOf,
                  Consumer<List<AssignmentChange>> applied) {
        this.registry = registry;
        this.fence = fence;
        this.clock = clock;
        this.assignmentsOf = assignmentsOf;
        this.applied = applied;
    }

    /** The rollout records and unit texts this driver wrote. */
    long writes() {
        return writes;
    }

    /**
     * One step of every rollout that has not ended.
     *
     * @return whether any has not ended after this step
     */
    boolean tick() {
        List<Versioned<Rollout>> all = registry.rollouts();
        List<Versioned<Rollout>> live = all.stream().filter(v -> !v.value().phase().ended()).toList();
        progress.keySet().retainAll(live.stream().map(v -> v.value().id()).toList());
        boolean running = false;
        for (Versioned<Rollout> v : live) {
            running |= step(v);
        }
        prune(all);
        return running;
    }

    /** @return whether the rollout goes on */
    private boolean step(Versioned<Rollout> stored) {
        Rollout record = stored.value();
        Progress before = progress.get(record.id());
        // Only this leader's own memory of health watches counts, and only for the record it saw.
        Progress current = before == null ? Progress.of(record) : new Progress(record, before.watches());
        Map<String, Versioned<UnitRecord>> units = readUnits(record.unitNames());
        Map<String, String> hashes = new HashMap<>();
        units.forEach((n, u) -> hashes.put(n, u.value().hash()));
        Transition next = RolloutMachine.next(current, observe(record, hashes));
        for (Effect e : next.effects()) {
            if (e instanceof Effect.Save save) {
                boolean release = next.effects().stream().anyMatch(x -> x instanceof Effect.Release);
                long at = registry.advanceRollout(fence, save.rollout(), stored.revision(), release);
                if (at == 0) {
                    // A client's request came in meanwhile, or the leadership is gone: read again next tick.
                    progress.remove(record.id());
                    return true;
                }
                writes++;
                if (save.rollout().phase() != record.phase()) {
                    log.info("rollout {}: {} -> {}{}", record.id(), record.phase().apiName(), save.rollout().phase().apiName(),
                            save.rollout().reason().isEmpty() ? "" : " (" + save.rollout().reason() + ")");
                }
            }
        }
        List<Rollouts.UnitWrite> texts = new ArrayList<>();
        for (Effect e : next.effects()) {
            if (e instanceof Effect.WriteText w && units.containsKey(w.unit())) {
                Versioned<UnitRecord> now = units.get(w.unit());
                String text = next.progress().rollout().texts().get(w.hash());
                texts.add(new Rollouts.UnitWrite(new UnitRecord(w.unit(), text, w.hash(), now.value().desired()), now.revision(),
                        w.recordOnly()));
            }
        }
        if (!texts.isEmpty()) {
            log.info("rollout {}: writing {}", record.id(), texts.stream().map(t -> t.unit().name() + "@"
                    + RolloutMachine.shortHash(t.unit().hash())).toList());
            if (!registry.writeRolloutUnits(fence, texts)) {
                progress.remove(record.id());
                return true;
            }
            writes += texts.size();
        }
        List<AssignmentChange> pins = new ArrayList<>();
        for (Effect e : next.effects()) {
            if (e instanceof Effect.Pin p && units.containsKey(p.unit())) {
                DesiredState desired = units.get(p.unit()).value().desired();
                if (desired != DesiredState.INACTIVE) {
                    pins.add(new AssignmentChange.Assign(new Assignment(p.machine(), p.unit(), p.hash(), desired)));
                }
            } else if (e instanceof Effect.Unpin u) {
                pins.add(new AssignmentChange.Unassign(u.machine(), u.unit()));
            }
        }
        if (!pins.isEmpty()) {
            log.info("rollout {}: {}", record.id(), pins.stream().map(c -> c instanceof AssignmentChange.Assign a
                    ? "pin " + a.assignment().unit() + " on " + a.assignment().machineId() + "@" + RolloutMachine.shortHash(a.assignment().hash())
                    : "unpin " + ((AssignmentChange.Unassign) c).unit() + " on " + ((AssignmentChange.Unassign) c).machineId()).toList());
            if (!registry.applyAssignments(fence, pins)) {
                progress.remove(record.id());
                return true;
            }
            applied.accept(pins);
            writes += pins.size();
        }
        progress.put(record.id(), next.progress());
        return !next.progress().rollout().phase().ended();
    }

    /** One read per unit: each write compares on the revision read here. */
    private Map<String, Versioned<UnitRecord>> readUnits(List<String> names) {
        Map<String, Versioned<UnitRecord>> found = new HashMap<>();
        for (String n : names) {
            registry.unit(n).ifPresent(u -> found.put(n, u));
        }
        return found;
    }

    /** What the machine needs: for a global unit also its index hash, its pins and the machines. */
    private Observed observe(Rollout r, Map<String, String> hashes) {
        if (!r.rollsGlobal()) {
            return new Observed(clock.millis(), hashes, states(r));
        }
        Set<String> names = new HashSet<>(r.unitNames());
        Map<String, String> index = new HashMap<>();
        for (UnitRecord g : registry.globalUnits().value()) {
            if (names.contains(g.name())) {
                index.put(g.name(), g.hash());
            }
        }
        Map<String, String> pins = new HashMap<>();
        for (String n : names) {
            for (Assignment a : assignmentsOf.apply(n)) {
                pins.put(RolloutUnit.keyOf(n, a.machineId()), a.hash());
            }
        }
        Set<String> machines = new HashSet<>();
        registry.machines().value().forEach(m -> machines.add(m.id()));
        return new Observed(clock.millis(), hashes, states(r), index, pins, machines);
    }

    /**
     * Each watched step's state, by step key: a unit's on the machine it is assigned to (states of
     * other machines are left from before a move), a global's on the step's machine.
     */
    private Map<String, UnitState> states(Rollout r) {
        Map<String, Map<String, String>> byMachine = new HashMap<>();
        for (RolloutUnit u : r.units()) {
            if (u.step() == RolloutUnit.Step.UPDATING || u.step() == RolloutUnit.Step.REVERTING) {
                if (u.onMachine()) {
                    byMachine.computeIfAbsent(u.machine(), m -> new HashMap<>()).put(u.name(), u.key());
                    continue;
                }
                for (Assignment a : assignmentsOf.apply(u.name())) {
                    byMachine.computeIfAbsent(a.machineId(), m -> new HashMap<>()).put(u.name(), u.key());
                }
            }
        }
        Map<String, UnitState> states = new HashMap<>();
        byMachine.forEach((machine, wanted) -> {
            for (UnitState s : registry.unitStates(machine).value()) {
                if (wanted.containsKey(s.unit())) {
                    states.put(wanted.get(s.unit()), s);
                }
            }
        });
        return states;
    }

    private void prune(List<Versioned<Rollout>> all) {
        List<Rollout> ended = all.stream().map(Versioned::value).filter(r -> r.phase().ended())
                .sorted(Comparator.comparingLong(Rollout::updatedMillis).reversed()).toList();
        for (Rollout old : ended.subList(Math.min(ENDED_KEPT, ended.size()), ended.size())) {
            registry.deleteRollout(fence, old.id());
        }
    }
}
