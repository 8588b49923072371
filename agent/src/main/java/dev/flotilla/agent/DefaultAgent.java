package dev.flotilla.agent;

import dev.flotilla.model.Assignment;
import dev.flotilla.registry.ConnectionState;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.Subscription;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.Versioned;
import dev.flotilla.registry.WatchEvent;
import dev.flotilla.systemd.JobResult;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.SystemdException;
import dev.flotilla.systemd.UnitStateListener;
import dev.flotilla.systemd.UnitStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The agent: one thread ("flotilla-agent") owns all of its state. Watch events, job ends, systemd
 * state changes and presence changes are handed to that thread and mark it dirty; bursts within
 * {@link AgentConfig#coalesce()} are handled by one pass: read states, build the desired set, plan,
 * execute. A periodic full pass is the safety net. Unit states are published by {@link StatePublisher}
 * on its own thread; the registration is kept by {@link Membership}.
 */
final class DefaultAgent implements Agent, Membership.Listener, UnitStateListener {
    private static final Logger log = LoggerFactory.getLogger(DefaultAgent.class);
    /** Above this many texts to read in one pass, one read of all units beats one read per unit. */
    private static final int BULK_TEXT_READ = 16;
    private static final long MAX_RETRY_MS = 5000;

    private final AgentConfig config;
    private final Registry registry;
    private final Systemd systemd; // null: presence only
    private final UnitDirectory dir;
    private final StatusBoard board = new StatusBoard();
    private final StatePublisher publisher;
    private final Membership membership;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flotilla-agent");
        t.setDaemon(true);
        return t;
    });
    private final List<Consumer<ConnectionState>> presenceListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean started;

    // ---- agent thread only ----
    private final LocalMemory memory = new LocalMemory();
    private final PlanExecutor executor;
    private MachinePresence presence;
    private boolean registered;
    private boolean closing;
    private final Map<String, Assignment> assignments = new HashMap<>();
    private boolean assignmentsSeen;
    private long assignmentGeneration;
    private Subscription assignmentWatch;
    private final Map<String, UnitRecord> globals = new HashMap<>();
    private boolean globalsSeen;
    private Subscription globalWatch;
    private final Map<String, UnitRecord> assignedUnits = new HashMap<>();
    /** Unit name to the assigned hash whose text could not be read (another hash, or no unit): don't re-read until it changes. */
    private final Map<String, String> unreadable = new HashMap<>();
    private Map<String, String> lastNotes = Map.of();
    private boolean passScheduled;
    private boolean rescan;
    /** Read every state in bulk on the next pass (start, systemd resync, periodic resync); otherwise events keep the board. */
    private boolean readAll = true;
    private long retryMs;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> resync;
    private dev.flotilla.systemd.Subscription systemdWatch;

    DefaultAgent(AgentConfig config, Registry registry, Systemd systemd) {
        this.config = config;
        this.registry = registry;
        this.systemd = systemd;
        this.dir = new UnitDirectory(config.unitDir());
        this.publisher = new StatePublisher(registry, config.machine().id(), board, config.publishDelay());
        this.membership = new Membership(registry, config, this);
        this.executor = systemd == null ? null
                : new PlanExecutor(systemd, dir, memory, this::jobEnded, this::rereadTouched, board::hold);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        if (started || closed.get()) {
            throw new IllegalStateException("the agent was already started");
        }
        Map<String, String> found = Map.of();
        if (systemd != null) {
            try {
                dir.create();
                found = dir.scan();
            } catch (IOException e) {
                throw new IllegalStateException("cannot use the unit folder " + dir.dir() + ": " + e.getMessage(), e);
            }
        }
        MachinePresence first = membership.registerFirst();
        started = true;
        Map<String, String> adopted = found;
        onLoop(() -> {
            presence = first;
            registered = true;
            memory.installed.putAll(adopted);
            if (systemd == null) {
                log.info("running without systemd: this machine registers but runs no units");
                return null;
            }
            if (!adopted.isEmpty()) {
                log.info("unit folder {} holds {} unit files from an earlier run", dir.dir(), adopted.size());
            }
            if (!first.resumed() && !adopted.isEmpty()) {
                log.warn("this machine's lease is new: of the {} units of its earlier run, those the cluster moved"
                        + " meanwhile are stopped, those still assigned here keep running", adopted.size());
            }
            publisher.attach(first);
            watchAssignments();
            systemdWatch = systemd.watch(this);
            globalWatch = registry.watchGlobalUnits(e -> post(() -> onGlobals(e)));
            long every = config.resyncInterval().toMillis();
            resync = loop.scheduleAtFixedRate(() -> {
                rescan = true;
                readAll = true;
                unreadable.clear();
                markDirty();
            }, every, every, TimeUnit.MILLISECONDS);
            markDirty();
            return null;
        });
        log.info("agent started for machine {} (unit folder {})", config.machine().id(), dir.dir());
    }

    @Override
    public Machine machine() {
        return membership.machine();
    }

    @Override
    public void update(Machine updated) {
        membership.update(updated);
        post(this::markDirty); // global units match against the new metadata
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
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        membership.close();
        if (started && systemd != null) {
            shutDownUnits();
        }
        publisher.removeAll(Duration.ofSeconds(5));
        publisher.close();
        MachinePresence p = membership.current();
        if (p != null) {
            p.close();
            log.info("machine {} deregistered", config.machine().id());
        }
        if (systemdWatch != null) {
            systemdWatch.close();
        }
        loop.shutdownNow();
    }

    /** How many unit states this agent wrote or removed in the registry (figures). */
    long stateWrites() {
        return publisher.writes();
    }

    /** The current registration (tests). */
    MachinePresence currentPresence() {
        return membership.current();
    }

    /**
     * Stops the agent's threads without touching its units or its registration, as a crash would
     * (tests: the registration then expires unless a new agent resumes it).
     */
    void halt() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        membership.close();
        publisher.close();
        if (systemdWatch != null) {
            systemdWatch.close();
        }
        onLoop(() -> {
            closing = true;
            closeWatches();
            return null;
        });
        loop.shutdownNow();
    }

    /** Stops every unit (bounded by stopTimeout), then unlinks and deletes them all and reloads once. */
    private void shutDownUnits() {
        long deadline = System.nanoTime() + config.stopTimeout().toNanos();
        List<CompletableFuture<JobResult>> jobs = onLoop(() -> {
            closing = true;
            closeWatches();
            if (resync != null) {
                resync.cancel(false);
            }
            Set<String> names = memory.names();
            if (names.isEmpty()) {
                return List.of();
            }
            board.interest(names);
            readStatuses(names);
            List<String> toStop = new ArrayList<>();
            for (String n : names) {
                LocalMemory.PendingJob job = memory.pending.get(n);
                UnitStatus st = board.get(n);
                if (job != null && job.kind() == JobKind.START
                        || job == null && st != null && (LocalState.isUp(st) || LocalState.isDeactivating(st))) {
                    toStop.add(n);
                }
            }
            log.info("stopping {} units before leaving", toStop.size());
            List<CompletableFuture<JobResult>> out = new ArrayList<>();
            for (String n : toStop) {
                memory.launched.remove(n);
                out.add(executor.track(n, JobKind.STOP, () -> systemd.stop(n)));
            }
            memory.pending.values().forEach(j -> out.add(j.future()));
            return out;
        });
        if (jobs == null) {
            return;
        }
        try {
            CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // a failed job is logged by jobEnded; the unit is unloaded anyway
        } catch (TimeoutException e) {
            long open = jobs.stream().filter(f -> !f.isDone()).count();
            log.warn("{} units did not stop within {} s; unloading them anyway", open, config.stopTimeout().toSeconds());
        }
        onLoop(() -> {
            unloadAll();
            return null;
        });
    }

    private void unloadAll() {
        List<String> names = new ArrayList<>(memory.installed.keySet());
        if (names.isEmpty()) {
            return;
        }
        try {
            readStatuses(new HashSet<>(names));
            for (String n : names) {
                UnitStatus st = board.get(n);
                if (st != null && st.isFailed()) {
                    systemd.resetFailed(n);
                }
            }
            systemd.unlinkRuntime(names);
            for (String n : names) {
                try {
                    dir.remove(n);
                } catch (IOException | IllegalArgumentException e) {
                    log.warn("cannot delete the unit file of {}: {}", n, e.getMessage());
                }
            }
            systemd.reload();
            memory.installed.clear();
            memory.linked.clear();
            memory.enabled.clear();
            log.info("unloaded {} units", names.size());
        } catch (SystemdException e) {
            log.error("cannot unload the units: {}", e.getMessage());
        }
        publisher.track(Map.of());
    }

    // ---------------------------------------------------------------- events (any thread)

    /** Runs on the agent thread, unless closed. */
    private void post(Runnable task) {
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("agent task failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** Runs on the agent thread and waits; null if the agent thread is gone. */
    private <T> T onLoop(Callable<T> task) {
        try {
            return loop.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    @Override
    public void changed(String name, UnitStatus status) {
        if (board.event(name, status)) {
            publisher.changed(name);
            if (!LocalState.isUp(status) && !LocalState.isDeactivating(status)) {
                post(this::markDirty); // a unit went down: a waiting step (rewrite, unload) may go on
            }
        }
    }

    @Override
    public void resync() {
        post(() -> {
            readAll = true;
            markDirty();
        });
    }

    @Override
    public void registered(MachinePresence p) {
        post(() -> {
            if (closing) {
                return;
            }
            presence = p;
            registered = true;
            if (systemd == null) {
                return;
            }
            if (p.resumed()) {
                log.info("lease resumed: units keep running as they are");
            } else {
                // An assignment is in one machine's folder at a time (the engine unassigns before it
                // assigns), so what a fresh listing still puts here runs nowhere else: it keeps running.
                log.warn("lease is new: the cluster saw this machine leave; listing its assignments anew: units"
                        + " moved meanwhile are stopped, the rest of the {} local units keep running", memory.installed.size());
                watchAssignments();
            }
            publisher.attach(p);
            markDirty();
        });
        presenceListeners.forEach(l -> l.accept(p.state()));
    }

    @Override
    public void stateChanged(MachinePresence p, ConnectionState state) {
        if (state == ConnectionState.LOST) {
            post(() -> {
                if (p == presence) {
                    registered = false;
                    publisher.detach();
                }
            });
        }
        presenceListeners.forEach(l -> l.accept(state));
    }

    private void jobEnded(String name, long id, JobKind kind, JobResult result, Throwable error) {
        // Held since the start was sent: whatever systemd says now is worth publishing (a start of a
        // unit that already ran changes nothing, so no state event comes).
        board.release(name);
        publisher.changed(name);
        post(() -> {
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

    private void onGlobals(WatchEvent<UnitRecord> event) {
        if (closing) {
            return;
        }
        if (event instanceof WatchEvent.Snapshot<UnitRecord> s) {
            globals.clear();
            globals.putAll(s.items());
            globalsSeen = true;
        } else if (event instanceof WatchEvent.Updated<UnitRecord> u) {
            globals.put(u.key(), u.value());
        } else if (event instanceof WatchEvent.Removed<UnitRecord> r) {
            globals.remove(r.key());
        }
        markDirty();
    }

    private void onAssignments(long generation, WatchEvent<Assignment> event) {
        if (closing || generation != assignmentGeneration) {
            return;
        }
        if (event instanceof WatchEvent.Snapshot<Assignment> s) {
            assignments.clear();
            assignments.putAll(s.items());
            assignmentsSeen = true;
        } else if (event instanceof WatchEvent.Updated<Assignment> u) {
            assignments.put(u.key(), u.value());
        } else if (event instanceof WatchEvent.Removed<Assignment> r) {
            assignments.remove(r.key());
        }
        markDirty();
    }

    private void watchAssignments() {
        closeAssignmentWatch();
        long generation = ++assignmentGeneration;
        assignmentWatch = registry.watchAssignments(config.machine().id(), e -> post(() -> onAssignments(generation, e)));
    }

    private void closeAssignmentWatch() {
        assignmentGeneration++;
        assignmentsSeen = false;
        assignments.clear();
        if (assignmentWatch != null) {
            Subscription w = assignmentWatch;
            assignmentWatch = null;
            // Closing waits for the watch thread, which may be handing us an event: not on this thread.
            CompletableFuture.runAsync(w::close);
        }
    }

    private void closeWatches() {
        closeAssignmentWatch();
        if (globalWatch != null) {
            Subscription w = globalWatch;
            globalWatch = null;
            CompletableFuture.runAsync(w::close);
        }
    }

    // ---------------------------------------------------------------- the pass (agent thread)

    private void markDirty() {
        if (!passScheduled && !closing) {
            passScheduled = true;
            // After a pass that reloaded systemd, wait as long as it took: while changes trickle in,
            // each pass may cost another daemon-reload, so fewer, fuller passes end a burst sooner.
            // Other passes (new units, starts, stops) follow at once: what arrived while one ran
            // is handled by the next in one go anyway.
            loop.schedule(this::pass, Math.max(config.coalesce().toMillis(), lastReloadPassMillis), TimeUnit.MILLISECONDS);
        }
    }

    /** Duration of the last pass if it reloaded systemd, else 0; agent thread only. */
    private long lastReloadPassMillis;
    private long passStarted;

    private void pass() {
        passStarted = System.nanoTime();
        boolean reloaded = false;
        try {
            reloaded = passOnce();
        } finally {
            lastReloadPassMillis = reloaded ? Math.min(1000, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - passStarted)) : 0;
        }
    }

    /** @return whether the pass reloaded systemd */
    private boolean passOnce() {
        passScheduled = false;
        if (closing || systemd == null || !registered) {
            return false; // unregistered: units keep running as they are until the machine is back
        }
        if (!assignmentsSeen || !globalsSeen) {
            return false; // a pass without the full picture would stop what it has not heard of yet
        }
        try {
            if (rescan) {
                rescanFolder();
            }
            Set<String> interest = memory.names();
            interest.addAll(assignments.keySet());
            interest.addAll(globals.keySet());
            board.interest(interest);
            if (readAll) {
                readStatuses(interest);
                readAll = false;
            } else {
                readUnknownStatuses(interest);
            }
            DesiredSet desired = desired();
            logNotes(desired);
            Plan plan = Reconciler.plan(desired, memory.snapshot(board.snapshot()));
            PlanExecutor.Outcome outcome = plan.isEmpty() ? null : executor.execute(plan);
            publisher.track(memory.installed);
            if (outcome != null) {
                report(outcome, plan, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - passStarted));
            }
            if (outcome != null && !outcome.failed().isEmpty()) {
                retryLater("units failed: " + outcome.failed());
            } else {
                retryMs = 0;
            }
            return plan.reloads();
        } catch (SystemdException | RegistryException | UncheckedIOException e) {
            retryLater(e.getMessage());
            return false;
        }
    }

    private void retryLater(String why) {
        retryMs = retryMs == 0 ? 100 : Math.min(MAX_RETRY_MS, retryMs * 2);
        if (retryMs == 100) {
            log.warn("agent pass incomplete: {}; trying again", why);
        } else {
            log.debug("agent pass incomplete: {}; trying again in {} ms", why, retryMs);
        }
        if (retry == null || retry.isDone()) {
            retry = loop.schedule(this::markDirty, retryMs, TimeUnit.MILLISECONDS);
        }
    }

    private void rescanFolder() {
        rescan = false;
        try {
            Map<String, String> found = dir.scan();
            if (!found.equals(memory.installed)) {
                log.warn("unit folder {} changed behind the agent's back; taking it as it is", dir.dir());
                memory.installed.clear();
                memory.installed.putAll(found);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the unit folder " + dir.dir(), e);
        }
    }

    private void readStatuses(Set<String> names) {
        if (names.isEmpty()) {
            return;
        }
        long mark = board.mark();
        Set<String> units = new HashSet<>();
        Map<String, UnitStatus> read = new HashMap<>();
        for (String n : names) {
            if (isTemplate(n)) {
                // systemd refuses to load a template (ListUnitsByNames fails for the whole call): once its
                // file is linked, it stands ready for its instances, reported as loaded/inactive/dead.
                read.put(n, memory.linked.contains(n) ? new UnitStatus(n, UnitStatus.LOADED, UnitStatus.INACTIVE, UnitStatus.DEAD)
                        : UnitStatus.notFound(n));
            } else {
                units.add(n);
            }
        }
        if (!units.isEmpty()) {
            read.putAll(systemd.statuses(units));
        }
        board.read(read, mark);
    }

    static boolean isTemplate(String name) {
        int at = name.indexOf('@');
        return at >= 0 && at + 1 == name.lastIndexOf('.');
    }

    /** States of the units the board has neither read nor heard of yet. */
    private void readUnknownStatuses(Set<String> names) {
        Set<String> unknown = new HashSet<>();
        for (String n : names) {
            if (board.get(n) == null) {
                unknown.add(n);
            }
        }
        readStatuses(unknown);
    }

    /** After files and links changed in a pass: their states before any start (a loaded unit sends no event). */
    private void rereadTouched(Set<String> touched) {
        readStatuses(touched);
    }

    private DesiredSet desired() {
        Set<String> running = new HashSet<>();
        board.snapshot().forEach((n, st) -> {
            if (LocalState.isUp(st)) {
                running.add(n);
            }
        });
        List<DesiredSets.Global> gl = new ArrayList<>();
        for (UnitRecord r : globals.values()) {
            gl.add(new DesiredSets.Global(r, r.desired()));
        }
        return DesiredSets.build(assignments.values(), assignedTexts(assignments.values()), gl, membership.machine().metadata(),
                running);
    }

    /** The texts of the assignments, read from the registry once per (unit, hash). */
    private Map<String, UnitRecord> assignedTexts(Collection<Assignment> current) {
        assignedUnits.keySet().retainAll(assignments.keySet());
        unreadable.keySet().retainAll(assignments.keySet());
        List<Assignment> missing = new ArrayList<>();
        for (Assignment a : current) {
            UnitRecord f = assignedUnits.get(a.unit());
            if ((f == null || !f.hash().equals(a.hash())) && !a.hash().equals(unreadable.get(a.unit()))) {
                missing.add(a);
            }
        }
        if (missing.size() > BULK_TEXT_READ) {
            Map<String, UnitRecord> all = new HashMap<>();
            registry.units().value().forEach(u -> all.put(u.name(), u));
            missing.forEach(a -> learn(a, all.get(a.unit())));
        } else {
            for (Assignment a : missing) {
                Optional<Versioned<UnitRecord>> r = registry.unit(a.unit());
                learn(a, r.map(Versioned::value).orElse(null));
            }
        }
        Map<String, UnitRecord> out = new HashMap<>();
        for (Assignment a : current) {
            UnitRecord f = assignedUnits.get(a.unit());
            if (f != null && f.hash().equals(a.hash())) {
                out.put(a.unit(), f);
            }
        }
        return out;
    }

    private void learn(Assignment a, UnitRecord record) {
        if (record != null && record.hash().equals(a.hash())) {
            assignedUnits.put(a.unit(), record);
            unreadable.remove(a.unit());
        } else {
            unreadable.put(a.unit(), a.hash());
        }
    }

    private void logNotes(DesiredSet desired) {
        Map<String, String> notes = desired.notes();
        for (Map.Entry<String, String> e : notes.entrySet()) {
            if (!e.getValue().equals(lastNotes.get(e.getKey()))) {
                log.info("{}: {}", e.getKey(), e.getValue());
            }
        }
        lastNotes = Map.copyOf(notes);
    }

    private static void report(PlanExecutor.Outcome o, Plan plan, long millis) {
        if (!log.isInfoEnabled()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        add(parts, "wrote", o.written());
        add(parts, "removed", o.removed());
        add(parts, "stopping", o.stopped());
        add(parts, "starting", o.started());
        if (plan.reloads()) {
            parts.add("reloaded systemd");
        }
        if (!parts.isEmpty()) {
            log.info("{} ({} ms)", String.join("; ", parts), millis);
        }
    }

    private static void add(List<String> parts, String verb, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<String> shown = names.size() <= 5 ? names : names.subList(0, 5);
        parts.add(verb + " " + names.size() + " (" + String.join(", ", shown) + (names.size() > 5 ? ", ..." : "") + ")");
    }
}
