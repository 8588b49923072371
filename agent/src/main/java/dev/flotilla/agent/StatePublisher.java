package dev.flotilla.agent;

import dev.flotilla.registry.Lanes;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.SerialLoop;
import dev.flotilla.model.UnitState;
import dev.flotilla.systemd.UnitStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes the state of each unit the agent has (hash, load, active, sub, restarts, since, answers)
 * to the registry, only when it differs from what was last published, and removes the states of units
 * it no longer has.
 *
 * <p>The start marker ({@link UnitState#answers()}): the revision of the desired change (assignment,
 * or a global unit's record) the agent's last completed pass acted on for the unit. It changes only
 * when that record is written, so it costs no write while nothing changes (a re-listing brings the
 * same modification revisions), and exactly one when a change leaves the systemd state as it was
 * (e.g. a start of a unit already active). Rules that keep an answer honest: a unit being started or
 * stopped is not published until systemd says more ({@link StatusBoard#hold}); a new answer showing
 * {@code active} waits until the unit has been active for {@link #SETTLE_MS} (a service that exits at
 * once, e.g. {@code ExecStart=/bin/false}, then answers {@code failed}, never a passing
 * {@code active}); restarts and since that a bulk read does not know are kept from what was published.
 * Changes are coalesced for a short delay and written in one batch, on the publisher's own lane, so
 * an unreachable etcd never holds up systemd work (that lane blocks on etcd's writes). Nothing is written while detached (no registration).
 */
final class StatePublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatePublisher.class);
    private static final long RETRY_MS = 1000;
    /** How long a new answer showing active waits for the unit to stay active. */
    static final long SETTLE_MS = 200;

    private final Registry registry;
    private final String machineId;
    private final StatusBoard board;
    private final long delayMs;
    private final SerialLoop thread;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /**
     * Unit name to the hash of its installed file: the units whose states are published. Null until the
     * agent's first pass: until then nothing published earlier may be taken as gone.
     */
    private volatile Map<String, String> tracked;
    /** Unit name to the revision its last pass acted on (the answer); absent: the one published stays. */
    private volatile Map<String, Long> answers = Map.of();
    // Publisher thread only:
    private MachinePresence presence;
    private final Map<String, UnitState> published = new HashMap<>();
    private boolean failing;
    private long writes;

    StatePublisher(Registry registry, String machineId, StatusBoard board, Duration delay, Lanes lanes) {
        this.registry = registry;
        this.machineId = machineId;
        this.board = board;
        this.delayMs = Math.max(0, delay.toMillis());
        this.thread = lanes.lane("flotilla-agent-states");
    }

    /**
     * Publishes under this registration from now on. First reads what the registry holds for this
     * machine (a resumed lease keeps its states), so unchanged states are not written again.
     */
    void attach(MachinePresence p) {
        thread.post(() -> {
            presence = p;
            published.clear();
            try {
                for (UnitState s : registry.unitStates(machineId).value()) {
                    published.put(s.unit(), s);
                }
            } catch (RegistryException e) {
                // Unknown: drop the registration's states on the next successful write instead.
                log.warn("cannot read this machine's published unit states: {}; publishing all", e.getMessage());
                failing = true;
            }
            flush();
        });
    }

    /** Stops publishing (the registration is lost): its states die with its lease. */
    void detach() {
        thread.post(() -> {
            presence = null;
            published.clear();
        });
    }

    /** The units the agent has now, with their installed hashes. */
    void track(Map<String, String> installed) {
        track(installed, Map.of());
    }

    /** As {@link #track(Map)}, with the revision each unit's last pass acted on. */
    void track(Map<String, String> installed, Map<String, Long> answered) {
        boolean changed = false;
        if (tracked == null || !installed.equals(tracked)) {
            tracked = Map.copyOf(installed);
            changed = true;
        }
        if (!answered.equals(answers)) {
            answers = Map.copyOf(answered);
            changed = true;
        }
        if (changed) {
            schedule();
        }
    }

    /** A unit's systemd state changed (already on the board). */
    void changed(String name) {
        Map<String, String> t = tracked;
        if (t != null && t.containsKey(name)) {
            schedule();
        }
    }

    /** Any thread. */
    void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                thread.schedule(this::flush, delayMs);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }
    }

    /** How many puts and deletes this publisher sent (for tests and figures). */
    long writes() {
        try {
            Long n = thread.call(() -> writes, Duration.ofSeconds(5));
            return n == null ? -1 : n;
        } catch (TimeoutException e) {
            return -1;
        }
    }

    private void flush() {
        scheduled.set(false);
        MachinePresence p = presence;
        Map<String, String> units = tracked;
        if (p == null || units == null) {
            return;
        }
        List<UnitState> put = new ArrayList<>();
        Map<String, Long> answered = answers;
        long settleIn = Long.MAX_VALUE;
        for (Map.Entry<String, String> e : units.entrySet()) {
            UnitStatus st = board.publishable(e.getKey());
            if (st == null) {
                continue; // not read yet, or being started: publish nothing rather than a guess
            }
            UnitState before = published.get(e.getKey());
            UnitState s = stateOf(e.getKey(), e.getValue(), st, before, answered.get(e.getKey()));
            if (s.equals(before)) {
                continue;
            }
            long wait = settleWait(s, before, board.eventAgeMillis(e.getKey()));
            if (wait > 0) {
                settleIn = Math.min(settleIn, wait);
                continue;
            }
            put.add(s);
        }
        if (settleIn != Long.MAX_VALUE) {
            laterSchedule(settleIn);
        }
        List<String> remove = new ArrayList<>();
        for (String name : published.keySet()) {
            if (!units.containsKey(name)) {
                remove.add(name);
            }
        }
        if (put.isEmpty() && remove.isEmpty()) {
            return;
        }
        try {
            if (!put.isEmpty()) {
                registry.publishStates(p, put);
                put.forEach(s -> published.put(s.unit(), s));
            }
            if (!remove.isEmpty()) {
                registry.removeStates(p, remove);
                remove.forEach(published::remove);
            }
            writes += put.size() + remove.size();
            if (failing) {
                log.info("unit states published again");
                failing = false;
            }
        } catch (RegistryException e) {
            if (!failing) {
                log.warn("cannot publish unit states: {}; retrying every {} ms", e.getMessage(), RETRY_MS);
                failing = true;
            }
            laterSchedule(RETRY_MS);
        }
    }

    private void laterSchedule(long delay) {
        try {
            thread.schedule(this::schedule, delay);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /**
     * The state to publish: restarts and since the status does not know (a bulk read) are the
     * published ones when the three words are the same; no answer yet keeps the published one.
     */
    UnitState stateOf(String unit, String hash, UnitStatus st, UnitState before, Long answer) {
        int restarts = st.restarts();
        long since = st.sinceMicros();
        if (!st.hasDetails() && before != null && before.loadState().equals(st.loadState())
                && before.activeState().equals(st.activeState()) && before.subState().equals(st.subState())) {
            restarts = before.restarts();
            since = before.sinceMicros();
        }
        long answers = answer != null ? answer : before != null ? before.answers() : 0;
        return new UnitState(machineId, unit, hash, st.loadState(), st.activeState(), st.subState(), answers, restarts, since);
    }

    /** How long a new answer showing active must still wait (see the class comment), 0 to publish now. */
    static long settleWait(UnitState next, UnitState before, long activeForMillis) {
        boolean newAnswer = before == null || before.answers() != next.answers();
        if (!newAnswer || !"active".equals(next.activeState()) || activeForMillis >= SETTLE_MS) {
            return 0;
        }
        return SETTLE_MS - activeForMillis;
    }

    /** Removes every state this machine published (clean shutdown), waiting at most {@code timeout}. */
    void removeAll(Duration timeout) {
        try {
            thread.call(() -> {
                tracked = Map.of();
                MachinePresence p = presence;
                if (p != null && !published.isEmpty()) {
                    try {
                        registry.removeStates(p, List.copyOf(published.keySet()));
                        published.clear();
                    } catch (RegistryException e) {
                        log.warn("cannot remove this machine's unit states: {} (they go with its lease)", e.getMessage());
                    }
                }
                return null;
            }, timeout);
        } catch (TimeoutException e) {
            log.warn("removing unit states did not finish in time (they go with the lease)");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
