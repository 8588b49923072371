package dev.flotilla.agent;

import dev.flotilla.agent.AgentEffect.AttachPublisher;
import dev.flotilla.agent.AgentEvent.AssignmentsListed;
import dev.flotilla.agent.AgentEvent.CloseRequested;
import dev.flotilla.agent.AgentEvent.FirstRegistered;
import dev.flotilla.agent.AgentEvent.GlobalsListed;
import dev.flotilla.agent.AgentEvent.HaltRequested;
import dev.flotilla.agent.AgentEvent.LeaseGained;
import dev.flotilla.agent.AgentEvent.PresenceChanged;
import dev.flotilla.agent.AgentEvent.RegistrationFailed;
import dev.flotilla.agent.AgentEvent.StartRequested;
import dev.flotilla.agent.AgentEvent.UnitsStopped;
import dev.flotilla.registry.ConnectionState;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.SerialLoop;
import dev.flotilla.systemd.JobResult;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.SystemdException;
import dev.flotilla.systemd.UnitStateListener;
import dev.flotilla.systemd.UnitStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The agent's I/O shell around {@link AgentLifecycle}: it feeds the lifecycle's events in and carries
 * out the effects that come back. One lane ("flotilla-agent", {@link SerialLoop}) owns all of its
 * state. Watch events, job ends, systemd state changes and presence changes are handed to that thread
 * and mark it dirty; bursts within {@link AgentConfig#coalesce()} are handled by one pass
 * ({@link PassRunner}, in mode {@link AgentMode.Running} only): read states, build the desired set,
 * plan, execute. A periodic full pass is the safety net. Unit states are published by
 * {@link StatePublisher} on its own thread; the registration is kept by {@link Membership}.
 */
final class DefaultAgent implements Agent, Membership.Listener, UnitStateListener, ClusterFeed.Listener {
    private static final Logger log = LoggerFactory.getLogger(DefaultAgent.class);

    private final AgentConfig config;
    private final Systemd systemd; // null: presence only
    private final UnitDirectory dir;
    private final StatusBoard board = new StatusBoard();
    private final StatePublisher publisher;
    private final Membership membership;
    /** The agent's lane; it blocks: a pass runs systemd jobs and reads etcd. */
    private final SerialLoop loop;
    private final List<Consumer<ConnectionState>> presenceListeners = new CopyOnWriteArrayList<>();
    private final AgentLifecycle lifecycle;
    /** Changed only by {@link #fire}, under its lock; read anywhere. */
    private volatile AgentMode mode = new AgentMode.Idle();
    private volatile dev.flotilla.systemd.UnitWatch systemdWatch;

    // ---- agent thread only ----
    private final LocalMemory memory = new LocalMemory();
    private final PlanExecutor executor;
    private final StatusReads reads;
    private final UnitShutdown shutdown;
    private final ClusterFeed feed;
    private final PassRunner passes; // null: presence only
    private ScheduledFuture<?> resync;

    DefaultAgent(AgentConfig config, Registry registry, Systemd systemd) {
        this.config = config;
        this.systemd = systemd;
        this.dir = new UnitDirectory(config.unitDir());
        this.loop = config.lanes().lane("flotilla-agent");
        this.publisher = new StatePublisher(registry, config.machine().id(), board, config.publishDelay(), config.lanes());
        this.membership = new Membership(registry, config, this);
        this.lifecycle = new AgentLifecycle(systemd != null);
        this.executor = systemd == null ? null
                : new PlanExecutor(systemd, dir, memory, this::jobEnded, this::rereadTouched, board::hold);
        this.reads = systemd == null ? null : new StatusReads(systemd, board, memory);
        this.shutdown = systemd == null ? null : new UnitShutdown(systemd, dir, memory, board, reads, executor);
        this.feed = new ClusterFeed(registry, config.machine().id(), loop::post, this);
        UnitTexts texts = new UnitTexts(registry);
        this.passes = systemd == null ? null : new PassRunner(config, loop, () -> mode, () -> membership.machine().metadata(),
                dir, memory, board, reads, feed, texts, executor, publisher);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Moves the lifecycle on and carries out its effects, in order, on the calling thread. */
    private void fire(AgentEvent event) {
        List<AgentEffect> effects;
        synchronized (lifecycle) {
            AgentLifecycle.Transition t = lifecycle.next(mode, event);
            mode = t.mode();
            effects = t.effects();
        }
        effects.forEach(this::apply);
    }

    /** One effect; what touches the agent thread's state runs there. */
    private void apply(AgentEffect effect) {
        if (effect instanceof AttachPublisher a) {
            publisher.attach(a.presence());
        } else if (effect instanceof AgentEffect.DetachPublisher) {
            publisher.detach();
        } else if (effect instanceof AgentEffect.ListAssignments) {
            loop.run(feed::listAssignments);
        } else if (effect instanceof AgentEffect.FollowUnits) {
            loop.run(this::followUnits);
        } else if (effect instanceof AgentEffect.RequestPass) {
            loop.run(this::markDirty);
        } else if (effect instanceof AgentEffect.StopMembership) {
            membership.close();
        } else if (effect instanceof AgentEffect.CloseWatches) {
            loop.run(this::closeWatches);
        } else if (effect instanceof AgentEffect.StopUnits) {
            stopUnits();
            fire(new UnitsStopped()); // the effect's end is the next event: unload and leave
        } else if (effect instanceof AgentEffect.UnloadUnits) {
            loop.run(() -> {
                if (shutdown.unloadAll()) {
                    publisher.track(Map.of());
                }
            });
        } else if (effect instanceof AgentEffect.RemoveStates) {
            publisher.removeAll(Duration.ofSeconds(5));
        } else if (effect instanceof AgentEffect.ClosePublisher) {
            publisher.close();
        } else if (effect instanceof AgentEffect.Deregister) {
            MachinePresence p = membership.current();
            if (p != null) {
                p.close();
                log.info("machine {} deregistered", config.machine().id());
            }
        } else if (effect instanceof AgentEffect.CloseSystemdWatch) {
            if (systemdWatch != null) {
                systemdWatch.close();
            }
        } else if (effect instanceof AgentEffect.StopLoop) {
            loop.shutdownNow();
        }
    }

    @Override
    public void start() {
        fire(new StartRequested());
        Map<String, String> found = Map.of();
        MachinePresence first;
        try {
            if (systemd != null) {
                try {
                    dir.create();
                    found = dir.scan();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot use the unit folder " + dir.dir() + ": " + e.getMessage(), e);
                }
            }
            first = membership.registerFirst();
        } catch (RuntimeException e) {
            fire(new RegistrationFailed());
            throw e;
        }
        Map<String, String> adopted = found;
        loop.call(() -> {
            memory.installed.putAll(adopted);
            if (systemd == null) {
                log.info("running without systemd: this machine registers but runs no units");
            } else if (!adopted.isEmpty()) {
                log.info("unit folder {} holds {} unit files from an earlier run", dir.dir(), adopted.size());
                if (!first.resumed()) {
                    log.warn("this machine's lease is new: of the {} units of its earlier run, those the cluster moved"
                            + " meanwhile are stopped, those still assigned here keep running", adopted.size());
                }
            }
            // The membership's current registration: it may have registered again since the first.
            MachinePresence current = membership.current();
            fire(new FirstRegistered(current == null ? first : current));
            return null;
        });
        log.info("agent started for machine {} (unit folder {})", config.machine().id(), dir.dir());
    }

    /** Follows systemd's states, the global units and the periodic resync. Agent thread. */
    private void followUnits() {
        systemdWatch = systemd.watch(this);
        feed.watchGlobals();
        resync = loop.every(passes::resyncAll, config.resyncInterval().toMillis());
    }

    private void closeWatches() {
        feed.close();
        if (resync != null) {
            resync.cancel(false);
        }
    }

    /** Stops every unit (bounded by stopTimeout): the stops are sent on the agent thread, waited for here. */
    private void stopUnits() {
        long deadline = System.nanoTime() + config.stopTimeout().toNanos();
        List<CompletableFuture<JobResult>> jobs = loop.call(shutdown::stopAll);
        if (jobs != null) {
            UnitShutdown.await(jobs, deadline, config.stopTimeout());
        }
    }

    @Override
    public Machine machine() {
        return membership.machine();
    }

    @Override
    public boolean updateMetadata(Map<String, String> configured) {
        return membership.configureMetadata(configured);
    }

    @Override
    public void metadataAnnounced() {
        loop.post(this::markDirty); // global units match against the new metadata
    }

    @Override
    public ConnectionState presenceState() {
        MachinePresence p = membership.current();
        return p == null ? ConnectionState.LOST : p.state();
    }

    @Override
    public void onPresenceChange(Consumer<ConnectionState> listener) {
        presenceListeners.add(listener);
    }

    @Override
    public void close() {
        fire(new CloseRequested());
    }

    /** How many unit states this agent wrote or removed in the registry (figures). */
    long stateWrites() {
        return publisher.writes();
    }

    /** The current registration (tests). */
    MachinePresence currentPresence() {
        return membership.current();
    }

    /** The lifecycle's mode now (tests). */
    AgentMode mode() {
        return mode;
    }

    /**
     * Stops the agent's threads without touching its units or its registration, as a crash would
     * (tests: the registration then expires unless a new agent resumes it).
     */
    void halt() {
        fire(new HaltRequested());
    }

    // ---------------------------------------------------------------- events (any thread)

    @Override
    public void changed(String name, UnitStatus status) {
        if (board.event(name, status)) {
            publisher.changed(name);
            if (!LocalState.isUp(status) && !LocalState.isDeactivating(status)) {
                loop.post(this::markDirty); // a unit went down: a waiting step (rewrite, unload) may go on
            }
        }
    }

    @Override
    public void resync() {
        if (passes != null) {
            loop.post(passes::readAllStates);
        }
    }

    @Override
    public void registered(MachinePresence p) {
        loop.post(() -> {
            AgentMode now = mode;
            boolean live = now instanceof AgentMode.Listing || now instanceof AgentMode.Running || now instanceof AgentMode.Suspended;
            if (systemd != null && live) { // else ignored: ending, or the first registration is not handled yet
                if (p.resumed()) {
                    log.info("lease resumed: units keep running as they are");
                } else {
                    // An assignment is in one machine's folder at a time (the engine unassigns before it
                    // assigns), so what a fresh listing still puts here runs nowhere else: it keeps running.
                    log.warn("lease is new: the cluster saw this machine leave; listing its assignments anew: units"
                            + " moved meanwhile are stopped, the rest of the {} local units keep running", memory.installed.size());
                }
            }
            fire(new LeaseGained(p, p.resumed()));
        });
        presenceListeners.forEach(l -> l.accept(p.state()));
    }

    @Override
    public void stateChanged(MachinePresence p, ConnectionState state) {
        if (state == ConnectionState.LOST) {
            loop.post(() -> fire(new PresenceChanged(p, state)));
        }
        presenceListeners.forEach(l -> l.accept(state));
    }

    @Override
    public void assignmentsListed() {
        fire(new AssignmentsListed());
    }

    @Override
    public void globalsListed() {
        fire(new GlobalsListed());
    }

    @Override
    public void feedChanged() {
        markDirty();
    }

    private void jobEnded(String name, long id, JobKind kind, JobResult result, Throwable error) {
        // Held since the start was sent: whatever systemd says now is worth publishing (a start of a
        // unit that already ran changes nothing, so no state event comes).
        board.release(name);
        publisher.changed(name);
        loop.post(() -> {
            LocalMemory.PendingJob job = memory.pending.get(name);
            if (job != null && job.id() == id) {
                memory.pending.remove(name);
            }
            String what = kind == JobKind.START ? "start" : "stop";
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof SystemdException.Unavailable || cause instanceof TimeoutException) {
                    // The job may or may not have run: re-read and decide again.
                    log.info("lost track of the {} of {} ({}); re-reading its state", what, name, cause.getMessage());
                    if (kind == JobKind.START) {
                        memory.launched.remove(name);
                    }
                } else {
                    log.warn("systemd refused to {} {}: {}", what, name, cause.getMessage());
                }
            } else if (!result.isSuccess()) {
                log.warn("{} of {} ended: {}", what, name, result.name().toLowerCase(java.util.Locale.ROOT));
            } else {
                log.debug("{} of {} done: {}", what, name, result);
            }
            markDirty();
        });
    }

    private void markDirty() {
        if (passes != null) {
            passes.markDirty();
        }
    }

    /** After files and links changed in a pass: their states before any start (a loaded unit sends no event). */
    private void rereadTouched(Set<String> touched) {
        reads.read(touched);
    }
}
