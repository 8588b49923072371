package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.MachineLoads;
import dev.flotilla.engine.scheduler.Scheduler;
import dev.flotilla.registry.LeaderElection;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.SerialLoop;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.Subscription;
import dev.flotilla.registry.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The engine of one daemon: campaigns for the leadership and, while it leads, keeps the
 * assignments equal to what the scheduler decides. Event driven: every watch event schedules a
 * pass (gathered for {@link EngineOptions#passDelay()}); a periodic pass is the safety net.
 *
 * <p>Everything runs on one thread, so the view, the planner and the writes never race. A
 * follower watches nothing: only the leader pays for following the whole cluster.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final long ROLLOUT_TICK_MS = 250;

    private final Registry registry;
    private final LeaderElection election;
    private final EngineOptions options;
    private final Scheduler scheduler;
    private final Clock clock;
    private final SerialLoop thread = new SerialLoop("flotilla-engine");

    // engine-thread state
    private Term term;
    private final List<Consumer<Boolean>> leadershipListeners = new ArrayList<>();
    private long leaderChanges;
    private long passes;
    private long fullPasses;
    /** Each live machine's allocation and capacity after the last pass that planned. */
    private MachineLoads machineLoads = MachineLoads.NONE;
    private long lastPassMillis;
    private final PassPacing pacing = new PassPacing(System.nanoTime());
    private long totalPassMillis;
    private long writes;
    private long failedPasses;
    private int units;
    private int waiting;
    private volatile EngineStats stats = new EngineStats(false, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            MachineLoads.NONE);

    /** One leadership: its fencing revision, its watches and its view. */
    private final class Term {
        final long fence;
        final long gainedNanos = System.nanoTime();
        final WatchedCluster view = new WatchedCluster();
        final MoveHold moves;
        boolean machinesListed;
        /** Keeps the scheduler's state from pass to pass while only units are added. */
        final IncrementalPlanner planner;
        /** The next pass starts from scratch (resync, failed write). */
        boolean fullNext = true;
        final List<Subscription> watches = new ArrayList<>();
        ScheduledFuture<?> pendingPass;
        ScheduledFuture<?> resync;
        ScheduledFuture<?> rolloutTicks;
        boolean failing;
        boolean ended;
        /** RescheduleOnFailure=: records, the states that matter, what to keep units off. */
        final FailureWatch failures = new FailureWatch(new FailurePolicy(FailurePolicy.MIN_HEALTHY));
        boolean statesWatched;
        Map<String, Set<String>> avoid = Map.of();
        ScheduledFuture<?> failureWake;

        Term(long fence, Function<UnitFactsLookup, IncrementalPlanner> planners, long graceNanos) {
            this.fence = fence;
            this.planner = planners.apply(view::facts);
            this.moves = new MoveHold(graceNanos);
            moves.elected(gainedNanos);
        }
    }

    private Engine(Registry registry, LeaderElection election, EngineOptions options, Scheduler scheduler, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.election = election;
        this.options = options;
        this.scheduler = scheduler;
    }

    /** Starts campaigning through the election; reconciles whenever this candidate leads. */
    public static Engine start(Registry registry, LeaderElection election, EngineOptions options) {
        return start(registry, election, options, Scheduler.leastLoaded());
    }

    static Engine start(Registry registry, LeaderElection election, EngineOptions options, Scheduler scheduler) {
        return start(registry, election, options, scheduler, Clock.systemUTC());
    }

    /** With the clock RescheduleOnFailure's delays and healthy times are read from (tests: a manual one). */
    static Engine start(Registry registry, LeaderElection election, EngineOptions options, Scheduler scheduler,
                        Clock clock) {
        Engine engine = new Engine(registry, election, options, scheduler, clock);
        election.start(change -> engine.onThread(() -> engine.onLeadership(change)));
        return engine;
    }

    public EngineStats stats() {
        return stats;
    }

    /**
     * Hears {@code true} when this engine starts leading and {@code false} when it stops, on the
     * engine's thread (keep it short); the current state is told at once.
     */
    public void addLeadershipListener(Consumer<Boolean> listener) {
        onThread(() -> {
            leadershipListeners.add(listener);
            listener.accept(term != null);
        });
    }

    private void onLeadership(LeaderElection.Leadership change) {
        leaderChanges++;
        endTerm();
        if (change instanceof LeaderElection.Leadership.Gained gained) {
            log.info("this engine leads (fencing revision {}); loading the cluster state", gained.fencingRevision());
            Term t = new Term(gained.fencingRevision(), this::newPlanner, options.absentGrace().toNanos());
            term = t;
            t.watches.add(registry.watchMachines(event(t, e -> {
                noticeDepartures(t, e);
                t.view.onMachines(e);
            })));
            t.watches.add(registry.watchUnits(event(t, e -> {
                t.view.onUnits(e);
                t.failures.onUnits(e);
            })));
            t.watches.add(registry.watchAssignments(event(t, t.view::onAssignments)));
            t.watches.add(registry.watchWaiting(event(t, t.view::onWaiting)));
            long resyncMs = options.resyncInterval().toMillis();
            t.resync = thread.everyAfter(() -> {
                t.fullNext = true;
                requestPass(t, 0);
            }, resyncMs);
            RolloutDriver rollouts = new RolloutDriver(registry, t.fence, java.time.Clock.systemUTC(), t.view::assignmentsOf,
                    t.view::applied);
            t.rolloutTicks = thread.everyAfter(() -> tickRollouts(t, rollouts), ROLLOUT_TICK_MS);
        } else {
            log.info("this engine no longer leads: {}", ((LeaderElection.Leadership.Lost) change).reason());
        }
        publishStats();
        boolean leads = term != null;
        for (Consumer<Boolean> l : leadershipListeners) {
            try {
                l.accept(leads);
            } catch (RuntimeException e) {
                log.warn("a leadership listener failed: {}", e.toString());
            }
        }
    }

    /** Watch events come on the registry's threads; the view is touched only on the engine thread. */
    private <T> Consumer<WatchEvent<T>> event(Term t, Consumer<WatchEvent<T>> apply) {
        return e -> onThread(() -> {
            if (t.ended) {
                return;
            }
            apply.accept(e);
            boolean fullExpected = t.fullNext || t.view.reshapePending() || !t.planner.ready();
            requestPass(t, pacing.delayMillis(options.passDelay().toMillis(), fullExpected, System.nanoTime()));
        });
    }

    /** Tells the term's {@link MoveHold} of gaps in its view and of machines leaving (before the view applies the event). */
    private static void noticeDepartures(Term t, WatchEvent<Machine> e) {
        long now = System.nanoTime();
        if (e instanceof WatchEvent.Snapshot<Machine> s) {
            if (t.machinesListed) {
                t.moves.relisted(now);
                Map<String, Machine> before = t.view.machines();
                long gone = before.keySet().stream().filter(id -> !s.items().containsKey(id)).count();
                for (int i = 0; i < gone; i++) {
                    t.moves.machineLeft(now, s.items().size());
                }
            }
            t.machinesListed = true;
        } else if (e instanceof WatchEvent.Removed<Machine> r && t.view.machines().containsKey(r.key())) {
            t.moves.machineLeft(now, t.view.machines().size() - 1);
        }
    }

    private void requestPass(Term t, long delayMs) {
        if (t.ended || t.pendingPass != null && !t.pendingPass.isDone()) {
            return;
        }
        t.pendingPass = thread.schedule(() -> pass(t), delayMs);
    }

    private void pass(Term t) {
        if (t.ended || !t.view.complete()) {
            return;
        }
        long start = System.nanoTime();
        Optional<String> holding = t.moves.holding(start);
        boolean hold = holding.isPresent();
        WatchedCluster v = t.view;
        // Machines came or changed, a watch listed anew, a resync or a failed write: from scratch.
        // Otherwise the pass plans the units touched and the machines gone since the last one, unless
        // that needs a full pass too. (While absent machines are waited for, a full pass that deferred
        // nothing leaves no state; an incremental one that deferred keeps it, and its changes wait.)
        if (!reviewFailures(t)) {
            return;
        }
        boolean reshaped = v.takeReshaped();
        Set<String> touched = v.takeTouched();
        Set<String> gone = v.takeGone();
        Planner.Plan plan = null;
        if (!reshaped && !t.fullNext && t.planner.ready()) {
            plan = t.planner.incremental(v.units(), v::assignmentsOf, v.waiting(), touched, t.avoid, gone, hold);
        }
        boolean full = plan == null;
        if (full) {
            if (log.isDebugEnabled()) {
                log.debug("full pass: {}", reshaped ? "machines came or changed, or a watch listed anew" : t.fullNext
                        ? "first pass, resync or failed write" : "the changes need one (" + touched.size() + " units touched, "
                        + gone.size() + " machines gone)");
            }
            plan = t.planner.full(v.machines(), v.units(), v.assignments(), v.waiting(), hold, t.avoid);
            fullPasses++;
        }
        if (plan.deferred() != null) {
            if (full) {
                t.fullNext = true;
            } else {
                v.putBack(touched, gone);
            }
            long left = t.moves.remainingNanos(start);
            log.info("holding placements for up to {} ms ({}): {}", TimeUnit.NANOSECONDS.toMillis(left),
                    holding.orElse(""), plan.deferred());
            t.pendingPass = thread.schedule(() -> pass(t), Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            return;
        }
        t.fullNext = false;
        long planned = System.nanoTime();
        boolean written = true;
        if (plan.isEmpty()) {
            t.planner.committed();
        } else {
            try {
                written = registry.applyAssignments(t.fence, plan.changes());
                if (written) {
                    v.applied(plan.changes());
                    t.planner.committed();
                    writes += plan.changes().size();
                    if (t.failing) {
                        log.info("the registry accepts writes again");
                        t.failing = false;
                    }
                } else {
                    t.planner.invalidate();
                    t.fullNext = true;
                    log.warn("a write was refused: this engine is no longer the leader");
                }
            } catch (RegistryException e) {
                t.planner.invalidate();
                t.fullNext = true;
                failedPasses++;
                if (!t.failing) {
                    log.warn("cannot write assignments: {}; retrying every second", e.getMessage());
                    t.failing = true;
                }
                t.pendingPass = thread.schedule(() -> pass(t), 1000);
                written = false;
            }
        }
        passes++;
        long ended = System.nanoTime();
        lastPassMillis = TimeUnit.NANOSECONDS.toMillis(ended - start);
        pacing.ended(full, lastPassMillis, ended);
        totalPassMillis += lastPassMillis;
        units = v.units().size();
        waiting = v.waiting().size();
        if (written) {
            machineLoads = plan.machines();
        }
        if (written && !plan.isEmpty()) {
            log.debug("{} pass: {} assigned, {} unassigned, {} rewritten, {} waiting changes in {} ms ({} ms to plan)",
                    full ? "full" : "incremental", plan.assigns(), plan.unassigns(), plan.rewrites(), plan.waiting(), lastPassMillis,
                    TimeUnit.NANOSECONDS.toMillis(planned - start));
        }
        publishStats();
    }

    /**
     * RescheduleOnFailure=: loads the records once, watches unit states once some unit asks for moves,
     * writes what {@link FailurePolicy} decides, and sets the machines units are kept off for this pass
     * (a change of them plans from scratch). False if the pass must stop: a write failed or was refused.
     */
    private boolean reviewFailures(Term t) {
        FailureWatch f = t.failures;
        try {
            if (!f.loaded()) {
                f.load(registry.unitFailures().value());
            }
            if (f.wantsStates() && !t.statesWatched) {
                t.statesWatched = true;
                t.watches.add(registry.watchStates(e -> onThread(() -> {
                    if (!t.ended && f.onStates(e)) {
                        requestPass(t, options.passDelay().toMillis());
                    }
                })));
            }
            long now = clock.millis();
            FailureWatch.Review review = f.review(t.view.units(), t.view::assignmentsOf, now);
            for (FailurePolicy.Action a : review.writes()) {
                boolean written = a instanceof FailurePolicy.Action.Store s ? registry.putUnitFailure(t.fence, s.failure())
                        : registry.removeUnitFailure(t.fence, ((FailurePolicy.Action.Clear) a).unit());
                if (!written) {
                    log.warn("a failure record write was refused: this engine is no longer the leader");
                    return false;
                }
                f.applied(a);
                writes++;
                log.info("RescheduleOnFailure: {}", a instanceof FailurePolicy.Action.Store s
                        ? s.failure().unit() + " " + s.failure().lastFailure() + ", attempt " + s.failure().attempts()
                        : ((FailurePolicy.Action.Clear) a).unit() + " forgets its failures");
            }
            Map<String, Set<String>> avoid = f.avoid(t.view::assignmentsOf, now);
            if (!avoid.equals(t.avoid)) {
                t.avoid = avoid;
                t.fullNext = true;
            }
            if (review.wakeAtMillis() != Long.MAX_VALUE && (t.failureWake == null || t.failureWake.isDone())) {
                // At most a second: the clock may be moved by a test, and due moves are rare.
                long in = Math.max(1, Math.min(review.wakeAtMillis() - now, 1000));
                t.failureWake = thread.schedule(() -> requestPass(t, 0), in);
            }
            return true;
        } catch (RegistryException e) {
            failedPasses++;
            log.warn("cannot read or write failure records: {}; retrying in a second", e.getMessage());
            t.pendingPass = thread.schedule(() -> pass(t), 1000);
            return false;
        }
    }

    /** Rollouts advance on the engine thread, between passes, once the view is listed. */
    private static void tickRollouts(Term t, RolloutDriver rollouts) {
        if (t.ended || !t.view.complete()) {
            return;
        }
        try {
            rollouts.tick();
        } catch (RuntimeException e) {
            log.warn("cannot advance rollouts: {}; trying again", e.toString());
        }
    }

    /** The default scheduler keeps its state between passes; any other (tests) plans every pass from scratch. */
    private IncrementalPlanner newPlanner(UnitFactsLookup facts) {
        return scheduler == Scheduler.leastLoaded() ? new IncrementalPlanner(facts) : IncrementalPlanner.fullOnly(scheduler, facts);
    }

    private void endTerm() {
        Term t = term;
        if (t == null) {
            return;
        }
        t.ended = true;
        t.watches.forEach(Subscription::close);
        if (t.pendingPass != null) {
            t.pendingPass.cancel(false);
        }
        if (t.resync != null) {
            t.resync.cancel(false);
        }
        if (t.failureWake != null) {
            t.failureWake.cancel(false);
        }
        if (t.rolloutTicks != null) {
            t.rolloutTicks.cancel(false);
        }
        term = null;
    }

    private void publishStats() {
        stats = new EngineStats(term != null, leaderChanges, passes, lastPassMillis, totalPassMillis, writes,
                failedPasses, units, waiting, fullPasses, machineLoads);
    }

    private void onThread(Runnable task) {
        thread.post(task);
    }

    /** Resigns at once (another engine takes over without waiting for a TTL) and stops. */
    @Override
    public void close() {
        election.close();
        onThread(this::endTerm);
        thread.shutdownAndWait(java.time.Duration.ofSeconds(5));
    }
}
