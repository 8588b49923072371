package dev.flotilla.agent;

import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.SerialLoop;
import dev.flotilla.systemd.SystemdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pass: read states, build the desired set, plan, execute. Changes mark it dirty; bursts within
 * {@link AgentConfig#coalesce()} make one pass, which runs only while the lifecycle is
 * {@link AgentMode.Running}. A failed pass is tried again with backoff. Agent thread only.
 */
final class PassRunner {
    private static final Logger log = LoggerFactory.getLogger(DefaultAgent.class);
    private static final long MAX_RETRY_MS = 5000;

    private final AgentConfig config;
    private final SerialLoop loop;
    private final Supplier<AgentMode> mode;
    private final Supplier<Map<String, String>> metadata;
    private final UnitDirectory dir;
    private final LocalMemory memory;
    private final StatusBoard board;
    private final StatusReads reads;
    private final ClusterFeed feed;
    private final UnitTexts texts;
    private final PlanExecutor executor;
    private final StatePublisher publisher;
    private final PassLog passLog = new PassLog();
    /** Unit name to the revision of the desired change the last completed pass acted on (see {@link StatePublisher}). */
    private final Map<String, Long> answered = new java.util.HashMap<>();
    private boolean passScheduled;
    private boolean rescan;
    /** Read every state in bulk on the next pass (start, systemd resync, periodic resync); otherwise events keep the board. */
    private boolean readAll = true;
    private long retryMs;
    private ScheduledFuture<?> retry;
    /** Duration of the last pass if it reloaded systemd, else 0. */
    private long lastReloadPassMillis;
    private long passStarted;

    /** @param metadata the machine's metadata as announced now (global units match against it) */
    PassRunner(AgentConfig config, SerialLoop loop, Supplier<AgentMode> mode, Supplier<Map<String, String>> metadata,
               UnitDirectory dir, LocalMemory memory, StatusBoard board, StatusReads reads, ClusterFeed feed, UnitTexts texts,
               PlanExecutor executor, StatePublisher publisher) {
        this.config = config;
        this.loop = loop;
        this.mode = mode;
        this.metadata = metadata;
        this.dir = dir;
        this.memory = memory;
        this.board = board;
        this.reads = reads;
        this.feed = feed;
        this.texts = texts;
        this.executor = executor;
        this.publisher = publisher;
    }

    /** The periodic safety net: the next pass re-reads the folder, every state and the unreadable texts. */
    void resyncAll() {
        rescan = true;
        readAll = true;
        texts.forgetUnreadable();
        markDirty();
    }

    /** systemd asked for a resync (it reconnected): the next pass reads every state. */
    void readAllStates() {
        readAll = true;
        markDirty();
    }

    void markDirty() {
        if (!passScheduled && !mode.get().ending()) {
            passScheduled = true;
            // After a pass that reloaded systemd, wait as long as it took: while changes trickle in,
            // each pass may cost another daemon-reload, so fewer, fuller passes end a burst sooner.
            // Other passes (new units, starts, stops) follow at once: what arrived while one ran
            // is handled by the next in one go anyway.
            loop.schedule(this::pass, Math.max(config.coalesce().toMillis(), lastReloadPassMillis));
        }
    }

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
        // Not Running: unregistered (units keep running as they are until the machine is back), or
        // without the full picture (a pass would stop what it has not heard of yet), or ending.
        if (!mode.get().passes()) {
            return false;
        }
        try {
            if (rescan) {
                rescanFolder();
            }
            Set<String> interest = memory.names();
            interest.addAll(feed.assignments().keySet());
            interest.addAll(feed.globals().keySet());
            board.interest(interest);
            if (readAll) {
                reads.read(interest);
                readAll = false;
            } else {
                reads.readUnknown(interest);
            }
            DesiredSet desired = texts.desired(feed.assignments(), feed.globals(), board.snapshot(), metadata.get());
            passLog.notes(desired);
            Plan plan = Reconciler.plan(desired, memory.snapshot(board.snapshot()));
            PlanExecutor.Outcome outcome = plan.isEmpty() ? null : executor.execute(plan);
            answer(desired, interest, outcome);
            publisher.track(memory.installed, answered);
            if (outcome != null) {
                PassLog.report(outcome, plan, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - passStarted));
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

    /**
     * After a pass that ran to its end (its jobs sent, not necessarily done), every unit of the
     * desired set has been acted on at its record's revision, whether or not anything had to be
     * done (a start of a unit already active is answered too). A held unit (its text not readable
     * yet) keeps its earlier answer, and so does a unit whose job from an earlier pass is still
     * running (the pass waited for it: the state after that job answers nothing new yet).
     */
    private void answer(DesiredSet desired, Set<String> interest, PlanExecutor.Outcome outcome) {
        answered.keySet().retainAll(interest);
        Set<String> sent = new java.util.HashSet<>();
        if (outcome != null) {
            sent.addAll(outcome.started());
            sent.addAll(outcome.stopped());
        }
        for (String name : desired.units().keySet()) {
            boolean sentNow = sent.contains(name);
            if (memory.pending.containsKey(name) && !sentNow) {
                continue;
            }
            long revision = feed.revisionOf(name);
            if (revision > 0) {
                answered.put(name, revision);
            }
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
            retry = loop.schedule(this::markDirty, retryMs);
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
}
